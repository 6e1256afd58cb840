package dev.opendesk.auth;

/**
 * Text that a peer or a user chose (a HELLO principal or description, a handshake {@code kind}, a
 * typed code), made safe to put in an exception message, a log line, a trust store or a dialog:
 * control, format (bidirectional overrides, zero-width characters), separator, private-use,
 * unassigned and unpaired-surrogate code points become {@code ?}, and the text is cut to a number
 * of code points, with {@code …} to show the cut. It can no longer move the cursor, colour a
 * terminal, reorder what is shown or bury a fingerprint behind pages of text. Stateless and
 * thread-safe.
 */
final class PeerText {

  /** Longest peer name shown or stored (HELLO {@code principal}). */
  static final int MAX_NAME = 64;

  /** Longest peer self-description shown or stored (HELLO {@code capabilities.description}). */
  static final int MAX_DESCRIPTION = 256;

  /** Longest handshake {@code kind} quoted in an error message. */
  static final int MAX_KIND = 32;

  private PeerText() {}

  /**
   * {@code text} with every unsafe code point replaced by {@code ?} and cut to {@code maxLength}
   * code points (plus {@code …} if it was longer); {@code null} becomes {@code ""}.
   */
  static String printable(String text, int maxLength) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength + 1));
    int shown = 0;
    for (int i = 0; i < text.length(); ) {
      if (shown == maxLength) {
        return out.append('…').toString();
      }
      int codePoint = text.codePointAt(i);
      i += Character.charCount(codePoint);
      if (isSafe(codePoint)) {
        out.appendCodePoint(codePoint);
      } else {
        out.append('?');
      }
      shown++;
    }
    return out.toString();
  }

  private static boolean isSafe(int codePoint) {
    switch (Character.getType(codePoint)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.PRIVATE_USE:
      case Character.SURROGATE:
      case Character.UNASSIGNED:
        return false;
      default:
        return true;
    }
  }
}

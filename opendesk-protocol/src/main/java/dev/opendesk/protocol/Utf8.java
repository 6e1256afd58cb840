package dev.opendesk.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding: malformed input is a {@link CodecException}, never a replacement
 * character.
 */
final class Utf8 {
  // Per thread, as the codec's own state: a fresh virtual thread borrows one, never builds one.
  private static final PerThread<CharsetDecoder> DECODERS =
      new PerThread<>(
          () ->
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT));

  private Utf8() {}

  static String decodeStrict(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return decodeNonAscii(bytes);
      }
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /**
   * As {@link #decodeStrict(byte[])} for {@code length} bytes of {@code bytes} from {@code offset}.
   */
  static String decodeStrict(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] < 0) {
        return decodeNonAscii(bytes, offset, length);
      }
    }
    return new String(bytes, offset, length, StandardCharsets.US_ASCII);
  }

  private static String decodeNonAscii(byte[] bytes) {
    return decodeNonAscii(bytes, 0, bytes.length);
  }

  private static String decodeNonAscii(byte[] bytes, int offset, int length) {
    CharsetDecoder decoder = DECODERS.acquire();
    try {
      return decoder.decode(ByteBuffer.wrap(bytes, offset, length)).toString();
    } catch (CharacterCodingException e) {
      throw new CodecException(null, "str is not valid UTF-8", e);
    } finally {
      DECODERS.release(decoder, true);
    }
  }
}

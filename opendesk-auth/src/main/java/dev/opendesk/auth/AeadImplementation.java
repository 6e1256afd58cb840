package dev.opendesk.auth;

import java.util.Locale;

/**
 * Which ChaCha20-Poly1305 implementation an {@link EncryptedConnection} uses (issue #13). Both
 * produce the same bytes (RFC 8439; both are checked against {@code vectors/encrypted.json}); they
 * differ in speed and allocation:
 *
 * <ul>
 *   <li>Bouncy Castle needs no key setup per message and allocates a few hundred bytes per message
 *       beyond the output; it runs at about 200 MB/s here on every JDK.
 *   <li>The JDK's cipher must be re-initialised per message (about 2 KiB allocated inside the JDK
 *       each time), and from JDK 20 on x86-64 and AArch64 HotSpot runs it on vector intrinsics:
 *       measured on Temurin 25, 1.5× Bouncy Castle at 256 B, 6.5× at 4 KiB, 8× at 64 KiB, but
 *       slower at 64 B. On JDK 17 it is about as fast as Bouncy Castle and allocates far more.
 * </ul>
 *
 * <p>{@link #AUTO}, the default, therefore seals and opens messages of at least {@link
 * #JDK_FROM_BYTES} plaintext bytes with the JDK's cipher where it is intrinsified, and everything
 * else with Bouncy Castle. The system property {@code dev.opendesk.aead} ({@code auto}, {@code
 * bouncy_castle} or {@code jdk}) forces one implementation for every message, for benchmarks and
 * tests. Immutable and thread-safe.
 */
enum AeadImplementation {
  /**
   * Bouncy Castle below {@link #JDK_FROM_BYTES}, the JDK's cipher above where it is intrinsified.
   */
  AUTO,
  /** Bouncy Castle for every message. */
  BOUNCY_CASTLE,
  /** The JDK's cipher for every message. */
  JDK;

  /**
   * The smallest plaintext that {@link #AUTO} hands to the JDK's cipher when it is intrinsified.
   */
  static final int JDK_FROM_BYTES = 256;

  /** The system property that overrides the choice. */
  static final String PROPERTY = "dev.opendesk.aead";

  private static final AeadImplementation CONFIGURED = configured();
  private static final boolean JDK_INTRINSIFIED = jdkIntrinsified();

  /** The implementation the system property asks for, {@link #AUTO} if none. */
  static AeadImplementation configured() {
    String value = System.getProperty(PROPERTY, "auto").trim().toUpperCase(Locale.ROOT);
    try {
      return valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          PROPERTY + " must be auto, bouncy_castle or jdk, not \"" + value + "\"", e);
    }
  }

  /** The implementation every new connection uses (read once, at first use). */
  static AeadImplementation current() {
    return CONFIGURED;
  }

  /**
   * The smallest plaintext sealed by the JDK's cipher ({@link Integer#MAX_VALUE}: never), by this
   * implementation on this JVM.
   */
  int jdkFromBytes() {
    return switch (this) {
      case BOUNCY_CASTLE -> Integer.MAX_VALUE;
      case JDK -> 0;
      case AUTO -> JDK_INTRINSIFIED ? JDK_FROM_BYTES : Integer.MAX_VALUE;
    };
  }

  /** A cipher for one direction of a connection under {@code key} (copied). */
  SessionCipher newCipher(byte[] key, boolean forSealing) {
    return new SessionCipher(key, forSealing, jdkFromBytes());
  }

  /**
   * Whether HotSpot runs the JDK's ChaCha20 on vector intrinsics: from JDK 20 on x86-64 and AArch64
   * (JDK-8247645), unless the JDK has no ChaCha20-Poly1305 at all.
   */
  private static boolean jdkIntrinsified() {
    String arch = System.getProperty("os.arch", "");
    boolean vectorArch = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64");
    return Runtime.version().feature() >= 20 && vectorArch && JdkMessageCipher.available();
  }
}

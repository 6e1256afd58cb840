package dev.opendesk.examples;

/**
 * The {@code Main-Class} of {@code opendesk-demo.jar}: sets up the JVM for the jar, then runs
 * {@link Main}.
 *
 * <p>msgpack-core 0.9.11 reads {@code msgpack.universal-buffer} once, when its {@code
 * MessageBuffer} class is initialised; {@code true} selects its {@code ByteBuffer}-based buffers
 * instead of {@code sun.misc.Unsafe}, whose memory-access methods JDK 24+ warn about on stderr. So
 * the property is set here, before anything touches msgpack-core; a {@code -D} on the command line
 * still wins. Netty's native-access warning is handled by the jar's {@code Enable-Native-Access}
 * manifest attribute. A program entry point: called once, by the launcher's main thread.
 */
public final class JarMain {

  /** msgpack-core's switch to its buffers without {@code sun.misc.Unsafe}. */
  static final String MSGPACK_UNIVERSAL_BUFFER = "msgpack.universal-buffer";

  private JarMain() {}

  /** Selects msgpack-core's buffers without {@code sun.misc.Unsafe}, then runs {@link Main}. */
  public static void main(String[] args) {
    if (System.getProperty(MSGPACK_UNIVERSAL_BUFFER) == null) {
      System.setProperty(MSGPACK_UNIVERSAL_BUFFER, "true");
    }
    Main.main(args);
  }
}

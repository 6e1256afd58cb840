package dev.opendesk.it.interop;

/** The Reactive Streams TCK for {@code CallStream} over Loopback. */
public class CallStreamLoopbackTckTest extends CallStreamPublisherVerification {
  public CallStreamLoopbackTckTest() {
    super(InteropSessions.Transport.LOOPBACK);
  }
}

package dev.opendesk.it.interop;

/** The Reactive Streams TCK for {@code CallStream} over WebSocket on 127.0.0.1. */
public class CallStreamWebSocketTckTest extends CallStreamPublisherVerification {
  public CallStreamWebSocketTckTest() {
    super(InteropSessions.Transport.WEBSOCKET);
  }
}

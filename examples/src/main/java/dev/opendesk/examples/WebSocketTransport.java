package dev.opendesk.examples;

import java.io.IOException;
import java.net.URI;

/** The tools' transport: WebSocket (binary messages). Placeholder until opendesk-transport-ws lands. */
final class WebSocketTransport {

  private WebSocketTransport() {}

  /** Serves {@code server} on {@code host:port} ({@code 0}: a free port). */
  static Listener listen(DemoServer server, String host, int port) throws IOException {
    throw new IOException("the WebSocket transport is not available yet");
  }

  /** Connects to {@code uri}. */
  static Dialer dialer(URI uri) {
    throw new UnsupportedOperationException("the WebSocket transport is not available yet");
  }
}

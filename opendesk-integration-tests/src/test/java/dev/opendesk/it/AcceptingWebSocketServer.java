package dev.opendesk.it;

import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketConnection;
import dev.opendesk.transport.ws.WebSocketOptions;
import dev.opendesk.transport.ws.WebSocketServer;
import java.io.BufferedReader;
import java.io.FileReader;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket server on 127.0.0.1 that queues every accepted connection, and connected pairs of its
 * ends: for contract suites that need both ends of one real socket. Thread-safe.
 */
final class AcceptingWebSocketServer implements AutoCloseable {

  /** Two ends of one WebSocket connection. */
  record Pair(WebSocketConnection client, WebSocketConnection server) {}

  private final WebSocketServer server;
  private final BlockingQueue<WebSocketConnection> accepted = new LinkedBlockingQueue<>();

  AcceptingWebSocketServer() throws IOException {
    server = WebSocketServer.start("127.0.0.1", 0, WebSocketOptions.defaults(), accepted::add);
  }

  /** Connects a client and returns it with the server's end; fails after 10 s. */
  Pair connect() throws Exception {
    WebSocketConnection client =
        WebSocketClient.connect(URI.create("ws://127.0.0.1:" + server.port() + server.path()))
            .get(10, TimeUnit.SECONDS);
    WebSocketConnection serverEnd = accepted.poll(10, TimeUnit.SECONDS);
    if (serverEnd == null) {
      client.close();
      throw new AssertionError("no connection accepted within 10 s");
    }
    return new Pair(client, serverEnd);
  }

  /**
   * At most how many bytes a sender can have in flight towards a receiver that does not read: the
   * kernel's send and receive buffers at their autotuning maximum plus 1 MiB for the transport's
   * own bounded buffers, doubled for slack.
   */
  static long maxBytesInFlight() {
    long kernel = maxOf("/proc/sys/net/ipv4/tcp_rmem") + maxOf("/proc/sys/net/ipv4/tcp_wmem");
    return 2 * (kernel + 1024 * 1024);
  }

  private static long maxOf(String file) {
    // Line-wise: some kernels (and sandboxes) report /proc files as empty to a whole-file read.
    try (BufferedReader reader = new BufferedReader(new FileReader(file))) {
      String[] fields = reader.readLine().trim().split("\\s+");
      return Long.parseLong(fields[fields.length - 1]);
    } catch (IOException | RuntimeException e) {
      return 8L * 1024 * 1024;
    }
  }

  @Override
  public void close() {
    server.close();
    server.closeFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }
}

package dev.opendesk.transport.ws;

import dev.opendesk.protocol.Connection;
import java.util.concurrent.CompletableFuture;

/**
 * Test fixture: echoes every message back until the connection closes; iterates, never recurses.
 */
final class Echo {

  private Echo() {}

  static void start(Connection connection) {
    loop(connection);
  }

  private static void loop(Connection connection) {
    while (true) {
      CompletableFuture<byte[]> next = connection.receive();
      if (!next.isDone()) {
        next.whenComplete(
            (m, t) -> {
              if (t == null) {
                connection.send(m).whenComplete((v, e) -> loop(connection));
              } else {
                connection.close();
              }
            });
        return;
      }
      byte[] message;
      try {
        message = next.join();
      } catch (RuntimeException e) {
        connection.close();
        return;
      }
      CompletableFuture<Void> sent = connection.send(message);
      if (!sent.isDone()) {
        sent.whenComplete((v, e) -> loop(connection));
        return;
      }
    }
  }
}

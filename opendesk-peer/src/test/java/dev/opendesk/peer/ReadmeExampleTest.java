package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.LoopbackConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The "A server" and "A client, over Loopback" snippets of README.md, verbatim apart from the
 * assertions.
 */
@Timeout(30)
class ReadmeExampleTest {

  record Range(long from, long to) {}

  Peer startServer(Connection connection) {
    Dispatcher dispatcher =
        Dispatcher.builder().unary("echo", (ctx, params) -> params).stream(
                "count",
                Range.class,
                (ctx, range, sink) -> {
                  for (long n = range.from(); n <= range.to(); n++) {
                    sink.next(Map.of("n", n)); // waits while the connection applies backpressure
                  }
                })
            .build();
    Peer server = Peer.server(connection, dispatcher);
    server.hello().join(); // sends our HELLO (listing "count" and "echo"), returns the client's
    return server.start();
  }

  @Test
  void theAsyncStreamSnippetServesTheRange() {
    Dispatcher dispatcher =
        Dispatcher.builder()
            .streamAsync(
                "count",
                Range.class,
                (ctx, range) ->
                    LongStream.rangeClosed(range.from(), range.to())
                        .mapToObj(n -> Map.of("n", n))
                        .iterator())
            .build();
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    CompletableFuture<Peer> server =
        CompletableFuture.supplyAsync(
            () -> {
              Peer peer = Peer.server(pair.second(), dispatcher);
              peer.hello().join();
              return peer.start();
            });
    List<Object> printed = new ArrayList<>();
    try (Peer client = Peer.client(pair.first())) {
      client.hello().join();
      client.start();
      server.join();
      try (CallStream<Map<String, Object>> numbers =
          client.stream("count", Map.of("from", 1L, "to", 5L))) {
        numbers.forEachRemaining(item -> printed.add(item.get("n")));
      }
    }
    assertThat(printed).containsExactly(1L, 2L, 3L, 4L, 5L);
    server.join().closeFuture().join();
  }

  @Test
  void clientAndServerSnippetsWork() {
    List<Object> printed = new ArrayList<>();
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    CompletableFuture<Peer> server =
        CompletableFuture.supplyAsync(() -> startServer(pair.second()));
    try (Peer client = Peer.client(pair.first())) {
      client.hello().join();
      client.start();
      server.join();

      Map<String, Object> echoed = client.call("echo", Map.of("text", "hi")).join();
      Range range = client.call("echo", new Range(1, 3), Range.class).join(); // typed via Jackson

      try (CallStream<Map<String, Object>> numbers =
          client.stream(
              "count", Map.of("from", 1L, "to", 5L), CallOptions.timeout(Duration.ofSeconds(10)))) {
        while (numbers.hasNext()) {
          printed.add(numbers.next().get("n"));
        }
      } // closing a stream early sends CANCEL

      assertThat(echoed).containsEntry("text", "hi");
      assertThat(range).isEqualTo(new Range(1, 3));
    } // closing the client closes the connection; the server peer sees it and closes too
    assertThat(printed).containsExactly(1L, 2L, 3L, 4L, 5L);
    server.join().closeFuture().join();
  }
}

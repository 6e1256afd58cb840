package dev.opendesk.examples.copyme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.ProtocolException;
import dev.opendesk.protocol.LoopbackConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How to test your own {@link Dispatcher}: serve it over an in-process {@link LoopbackConnection},
 * call it from a client {@link Peer}, and assert on what comes back. No network, no keys, no
 * threads of your own; copy this class and replace {@code greeter()} with your dispatcher.
 */
@Timeout(30)
class GreeterDispatcherTest {

  /** The dispatcher under test; in your project this is your production code. */
  static Dispatcher greeter() {
    return Dispatcher.builder()
        .unary(
            "greet",
            (ctx, params) -> {
              Object name = params.get("name");
              if (!(name instanceof String s) || s.isBlank()) {
                // Becomes the wire error invalid_argument, with this message.
                throw new IllegalArgumentException("name: expected a non-empty string");
              }
              return Map.of("greeting", "hello, " + s);
            })
        .stream(
            "countdown",
            (ctx, params, sink) -> {
              for (long n = (Long) params.get("from"); n >= 0; n--) {
                sink.next(Map.of("n", n));
              }
            })
        .build();
  }

  private Peer server;
  private Peer client;

  @BeforeEach
  void connect() {
    // Two ends of an in-process connection: the server peer serves the dispatcher on one end.
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    server = Peer.server(pair.second(), greeter());
    client = Peer.client(pair.first());
    // Both sides send their HELLO and wait for the other's; do them at once, then start both.
    CompletableFuture<?> serverHello = server.hello();
    client.hello().orTimeout(5, TimeUnit.SECONDS).join();
    serverHello.orTimeout(5, TimeUnit.SECONDS).join();
    server.start();
    client.start();
  }

  @AfterEach
  void close() {
    // Closing one end closes the connection; close both so no thread outlives the test.
    client.close();
    server.close();
  }

  @Test
  void greetAnswersWithTheName() {
    Map<String, Object> result = client.callBlocking("greet", Map.of("name", "Ada"));

    assertThat(result).containsEntry("greeting", "hello, Ada");
  }

  @Test
  void greetWithoutNameIsInvalidArgument() {
    assertThatThrownBy(() -> client.callBlocking("greet", Map.of()))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.code()).isEqualTo("invalid_argument");
              assertThat(e.errorMessage()).contains("name");
            });
  }

  @Test
  void countdownStreamsDownToZeroInOrder() {
    List<Object> numbers = new ArrayList<>();
    try (CallStream<Map<String, Object>> items = client.stream("countdown", Map.of("from", 3L))) {
      items.forEachRemaining(item -> numbers.add(item.get("n")));
    }

    assertThat(numbers).containsExactly(3L, 2L, 1L, 0L);
  }
}

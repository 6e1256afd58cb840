package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CallerTest {

  record Text(String text) {}

  @Test
  void peerServesEveryCallShapeThroughTheInterface() throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    Dispatcher dispatcher =
        Dispatcher.builder().unary("echo", (ctx, params) -> params).stream(
                "count",
                (ctx, params, sink) -> {
                  for (long n = 1; n <= 3; n++) {
                    sink.next(Map.of("n", n));
                  }
                })
            .build();
    try (Peer server = Peer.server(pair.second(), dispatcher);
        Peer client = Peer.client(pair.first())) {
      CompletableFuture<?> serverHello = server.hello();
      client.hello().get(10, TimeUnit.SECONDS);
      serverHello.get(10, TimeUnit.SECONDS);
      server.start();
      client.start();
      Caller caller = client;
      CompletableFuture<Map<String, Object>> pushed = new CompletableFuture<>();
      server.onPush("note", pushed::complete);

      assertThat(caller.call("echo", Map.of("text", "a")).get(10, TimeUnit.SECONDS))
          .containsEntry("text", "a");
      assertThat(caller.call("echo", new Text("b"), Text.class).get(10, TimeUnit.SECONDS))
          .isEqualTo(new Text("b"));
      assertThat(caller.callBlocking("echo", Map.of("text", "c"))).containsEntry("text", "c");
      assertThat(caller.callBlocking("echo", new Text("d"), Text.class)).isEqualTo(new Text("d"));
      List<Object> items = new ArrayList<>();
      try (CallStream<Map<String, Object>> stream = caller.stream("count", Map.of())) {
        stream.forEachRemaining(item -> items.add(item.get("n")));
      }
      assertThat(items).containsExactly(1L, 2L, 3L);
      caller.push("note", Map.of("k", "v")).get(10, TimeUnit.SECONDS);
      assertThat(pushed.get(10, TimeUnit.SECONDS)).containsEntry("k", "v");
    }
  }

  @Test
  void shortFormsPassTheDefaultOptions() {
    RecordingCaller caller = new RecordingCaller();

    caller.call("a", Map.of());
    caller.call("b", new Text("x"), Text.class);
    caller.stream("c", Map.of());
    caller.stream("d", new Text("y"), Text.class);

    assertThat(caller.calls)
        .containsExactly(
            "a " + CallOptions.defaults(),
            "b " + CallOptions.defaults(),
            "c " + CallOptions.defaults(),
            "d " + CallOptions.defaults());
  }

  /** Records which full form each short form reached, and with which options. */
  private static final class RecordingCaller implements Caller {
    final List<String> calls = new ArrayList<>();

    @Override
    public CompletableFuture<Map<String, Object>> call(
        String method, Map<String, ?> params, CallOptions options) {
      calls.add(method + " " + options);
      return new CompletableFuture<>();
    }

    @Override
    public <T> CompletableFuture<T> call(
        String method, Object params, Class<T> resultType, CallOptions options) {
      calls.add(method + " " + options);
      return new CompletableFuture<>();
    }

    @Override
    public Map<String, Object> callBlocking(String method, Map<String, ?> params) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> T callBlocking(String method, Object params, Class<T> resultType) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CallStream<Map<String, Object>> stream(
        String method, Map<String, ?> params, CallOptions options) {
      calls.add(method + " " + options);
      return null;
    }

    @Override
    public <T> CallStream<T> stream(
        String method, Object params, Class<T> itemType, CallOptions options) {
      calls.add(method + " " + options);
      return null;
    }

    @Override
    public CompletableFuture<Void> push(String topic, Map<String, ?> payload) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Peer.Registration onPush(String topic, Consumer<Map<String, Object>> handler) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> Peer.Registration onPush(String topic, Class<T> type, Consumer<T> handler) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Peer.Registration onPush(Consumer<Push> handler) {
      throw new UnsupportedOperationException();
    }
  }
}

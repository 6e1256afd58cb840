package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opendesk.protocol.LoopbackConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Over an in-process transport, a receive-path handler answers while the call is still being sent:
 * the caller's future is then complete when {@code call} returns, with no hand-off to the caller's
 * handler executor (no dependent stage of the caller's can exist yet, so none runs on the loop).
 */
class SynchronousAnswerTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final AtomicInteger clientHandOffs = new AtomicInteger();
  private Peer client;
  private Peer server;

  @AfterEach
  void close() {
    client.close();
    server.close();
    pool.shutdownNow();
  }

  @Test
  void receivePathAnswerOverLoopbackCompletesTheCallWithoutAHandOff() throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    server =
        Peer.server(
            pair.second(),
            Dispatcher.builder()
                .unaryAsync("echo", (ctx, params) -> CompletableFuture.completedFuture(params))
                .build());
    client =
        Peer.builder(pair.first(), dev.opendesk.protocol.Role.CLIENT)
            .options(
                PeerOptions.builder()
                    .handlerExecutor(
                        task -> {
                          clientHandOffs.incrementAndGet();
                          pool.execute(task);
                        })
                    .build())
            .build();
    Sessions.start(client, server);
    // Both receive loops start on pool threads; once one answer came back inside call(), both run
    // on this thread alone, and every later answer must too.
    await().atMost(Duration.ofSeconds(10)).until(() -> client.call("echo", Map.of()).isDone());
    int before = clientHandOffs.get();

    for (long i = 0; i < 20; i++) {
      CompletableFuture<Map<String, Object>> call = client.call("echo", Map.of("i", i));
      assertThat(call).isCompletedWithValue(Map.of("i", i));
    }
    assertThat(clientHandOffs.get() - before).as("client hand-offs for 20 calls").isZero();
  }
}

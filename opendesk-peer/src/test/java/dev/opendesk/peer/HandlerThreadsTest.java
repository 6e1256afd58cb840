package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Role;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * Which threads run blocking-kind handlers: the JDK's virtual threads by default where it has them.
 */
class HandlerThreadsTest {

  private final ExecutorService userPool =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "user-handler"));
  private Peer client;
  private Peer server;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    userPool.shutdownNow();
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void handlersRunOnVirtualThreadsByDefault() throws Exception {
    start(PeerOptions.defaults());

    Map<String, Object> where = client.call("where", Map.of()).get(10, TimeUnit.SECONDS);

    assertThat(where).containsEntry("virtual", true);
    assertThat((String) where.get("name")).startsWith("opendesk-peer-vthread-");
  }

  @Test
  @EnabledForJreRange(max = JRE.JAVA_20)
  void handlersRunOnTheSharedCachedPoolBeforeJdk21() throws Exception {
    start(PeerOptions.defaults());

    Map<String, Object> where = client.call("where", Map.of()).get(10, TimeUnit.SECONDS);

    assertThat((String) where.get("name")).startsWith("opendesk-peer-worker-");
  }

  @Test
  void aSuppliedHandlerExecutorIsStillHonoured() throws Exception {
    start(PeerOptions.builder().handlerExecutor(userPool).build());

    Map<String, Object> where = client.call("where", Map.of()).get(10, TimeUnit.SECONDS);

    assertThat(where).containsEntry("name", "user-handler").containsEntry("virtual", false);
  }

  private void start(PeerOptions serverOptions) throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    server =
        Peer.builder(pair.second(), Role.SERVER)
            .dispatcher(
                Dispatcher.builder()
                    .unary(
                        "where",
                        (ctx, params) ->
                            Map.of(
                                "name",
                                Thread.currentThread().getName(),
                                "virtual",
                                isVirtual(Thread.currentThread())))
                    .build())
            .options(serverOptions)
            .build();
    client = Peer.client(pair.first());
    Sessions.start(client, server);
  }

  /** {@code Thread.isVirtual()}, reflectively: the tests compile for Java 17 too. */
  private static boolean isVirtual(Thread thread) {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    } catch (NoSuchMethodException e) {
      return false;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}

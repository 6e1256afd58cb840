package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.LoopbackConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threads do not grow with sessions: ten thousand Loopback sessions, each of which has served a
 * call (by a handler of the kind that may block, so on the handler executor), run on no more
 * threads than a hundred do.
 */
@Timeout(120)
class SessionScaleTest {

  private static final int FEW = 100;
  private static final int MANY = 10_000;

  /** What the JVM may start on its own between the two counts (compiler, GC, JMX threads). */
  private static final int JVM_SLACK = 8;

  /** The timer thread plus the shared handler pool's threads, for a few tasks at once. */
  private static final int POOL_BOUND = 16;

  private final List<Peer> peers = new ArrayList<>();
  private final Dispatcher echo =
      Dispatcher.builder().unary("echo", (ctx, params) -> params).build();

  @AfterEach
  void closeAll() {
    peers.forEach(Peer::close);
  }

  @Test
  void threadCountDoesNotGrowWithSessions() throws Exception {
    openSessions(FEW);
    int threadsAtFew = Thread.activeCount();
    long peerThreadsAtFew = peerThreads();
    System.out.printf(
        "SessionScaleTest: %d sessions: %d threads, %d opendesk-peer%n",
        FEW, threadsAtFew, peerThreadsAtFew);

    openSessions(MANY - FEW);

    assertThat(peers).hasSize(2 * MANY);
    System.out.printf(
        "SessionScaleTest: %d sessions: %d threads, %d opendesk-peer%n",
        MANY, Thread.activeCount(), peerThreads());
    assertThat(Thread.activeCount())
        .as("live threads at %d sessions (%d at %d)", MANY, threadsAtFew, FEW)
        .isLessThanOrEqualTo(threadsAtFew + POOL_BOUND + JVM_SLACK)
        .isLessThanOrEqualTo(64);
    // The shared pool grows with the tasks running at once (here a few: one session at a time),
    // never with the sessions; a loaded machine may have it start a few extra.
    assertThat(peerThreads())
        .as("opendesk-peer threads at %d sessions (%d at %d)", MANY, peerThreadsAtFew, FEW)
        .isLessThanOrEqualTo(POOL_BOUND);
  }

  /** Opens {@code count} sessions, one at a time, each answering one call before the next opens. */
  private void openSessions(int count) throws Exception {
    for (int i = 0; i < count; i++) {
      LoopbackConnection.Pair pair = LoopbackConnection.pair();
      Peer server = Peer.server(pair.second(), echo);
      Peer client = Peer.client(pair.first());
      peers.add(server);
      peers.add(client);
      Sessions.start(client, server);
      Map<String, Object> reply =
          client.call("echo", Map.of("i", (long) i)).get(10, TimeUnit.SECONDS);
      assertThat(reply).containsEntry("i", (long) i);
    }
  }

  private static long peerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("opendesk-peer"))
        .count();
  }
}

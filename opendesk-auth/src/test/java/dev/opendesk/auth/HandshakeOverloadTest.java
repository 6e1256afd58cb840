package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.LoopbackConnection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #14 item 7: the handshake executor's queue is bounded, a step it refuses fails its
 * handshake (every future completes, no work moves to the transport thread), and steps of a
 * connection that closed while they were queued do no work.
 */
class HandshakeOverloadTest {

  private final Identity serverIdentity = Identity.generate();
  private final ThreadPoolExecutor pool = HandshakeExecutor.bounded(1, 1);
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    pool.shutdownNow();
  }

  /** Occupies the pool's one thread until the test ends. */
  private void blockThePool() {
    CountDownLatch running = new CountDownLatch(1);
    pool.execute(
        () -> {
          running.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try {
      running.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static byte[] authHello() {
    return Messages.authHello(Identity.generate().publicKey(), Identity.generate().publicKey());
  }

  @Test
  void aStepTheFullQueueRefusesFailsTheHandshakeAndClosesItsConnection() {
    blockThePool();
    pool.execute(() -> {}); // fills the queue
    Handshake handshake = TestKeys.fast().executor(pool).build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    var served = handshake.authServer(link.second(), serverIdentity, TrustedPeers.inMemory());

    Await.result(link.first().send(authHello()));

    assertThat(Await.failure(served)).hasMessageContaining("overloaded");
    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.TIMEOUT);
    Await.result(link.first().closeFuture());
  }

  @Test
  void stepsOfAConnectionThatClosedWhileTheyWereQueuedDoNoWork() {
    blockThePool();
    AtomicInteger keysMade = new AtomicInteger();
    Handshake handshake =
        TestKeys.fast()
            .executor(pool)
            .keySource(
                () -> {
                  keysMade.incrementAndGet();
                  return EphemeralKeySource.secure().next();
                })
            .build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    var served = handshake.authServer(link.second(), serverIdentity, TrustedPeers.inMemory());
    Await.result(link.first().send(authHello()));
    link.first().close();
    release.countDown();

    assertThat(Await.failure(served)).hasMessageContaining("connection closed before");
    assertThat(keysMade).hasValue(0);
  }
}

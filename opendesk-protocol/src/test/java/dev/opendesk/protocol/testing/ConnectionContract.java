package dev.opendesk.protocol.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link Connection} must show, as a reusable suite: subclass it, implement
 * {@link #connect()}, and the transport runs every test below. Shipped in the protocol module's
 * test-jar.
 */
@Timeout(60)
public abstract class ConnectionContract {

  /** Two connected ends of one connection. */
  public record Ends(Connection first, Connection second) {}

  private Ends ends;

  /** Opens a fresh connected pair for one test; the suite closes both ends afterwards. */
  protected abstract Ends connect() throws Exception;

  /**
   * The largest message the transport must carry whole; 16 MiB unless the transport's limit is
   * lower.
   */
  protected int largeMessageSize() {
    return 16 * 1024 * 1024;
  }

  /**
   * How many bytes a sender may get taken without the receiver reading before a send must stay
   * pending; transports with socket buffers need more than in-process ones.
   */
  protected long backpressureBound() {
    return 64L * 1024 * 1024;
  }

  /** How long a single step may take. */
  protected Duration stepTimeout() {
    return Duration.ofSeconds(10);
  }

  @BeforeEach
  final void openEnds() throws Exception {
    ends = connect();
  }

  @AfterEach
  final void closeEnds() {
    if (ends != null) {
      ends.first().close();
      ends.second().close();
    }
  }

  protected final Connection first() {
    return ends.first();
  }

  protected final Connection second() {
    return ends.second();
  }

  protected final <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(stepTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static byte[] numbered(int n, int size) {
    byte[] message = new byte[Math.max(size, 4)];
    ByteBuffer.wrap(message).putInt(n);
    return message;
  }

  private static int number(byte[] message) {
    return ByteBuffer.wrap(message).getInt();
  }

  @Test
  void messagesArriveWholeAndInOrderBothWays() throws Exception {
    int count = 200;
    for (Ends direction : List.of(ends, new Ends(second(), first()))) {
      List<CompletableFuture<Void>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        sent.add(direction.first().send(numbered(i, 4 + (i * 37) % 3000)));
      }
      for (int i = 0; i < count; i++) {
        byte[] got = await(direction.second().receive());
        assertThat(number(got)).isEqualTo(i);
        assertThat(got).hasSize(Math.max(4, 4 + (i * 37) % 3000));
      }
      for (CompletableFuture<Void> f : sent) {
        await(f);
      }
    }
  }

  @Test
  void emptyMessageRoundTrips() throws Exception {
    await(first().send(new byte[0]));
    assertThat(await(second().receive())).isEmpty();
    await(second().send(new byte[0]));
    assertThat(await(first().receive())).isEmpty();
  }

  @Test
  void largeMessageRoundTripsIntact() throws Exception {
    byte[] large = new byte[largeMessageSize()];
    new Random(7).nextBytes(large);
    byte[] copy = large.clone();
    CompletableFuture<Void> sent = first().send(large);
    byte[] got = await(second().receive());
    await(sent);
    assertThat(got).isEqualTo(copy);
  }

  @Test
  void concurrentSendersKeepEachSendersOrder() throws Exception {
    int senders = 4;
    int perSender = 500;
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<Void>> sent =
          java.util.Collections.synchronizedList(new ArrayList<>());
      for (int s = 0; s < senders; s++) {
        int sender = s;
        pool.execute(
            () -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              for (int i = 0; i < perSender; i++) {
                sent.add(first().send(numbered(sender * 1_000_000 + i, 16)));
              }
            });
      }
      start.countDown();
      int[] next = new int[senders];
      for (int k = 0; k < senders * perSender; k++) {
        int n = number(await(second().receive()));
        int sender = n / 1_000_000;
        assertThat(n % 1_000_000).as("sender %d order", sender).isEqualTo(next[sender]);
        next[sender]++;
      }
      assertThat(next).containsOnly(perSender);
      pool.shutdown();
      assertThat(pool.awaitTermination(stepTimeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      for (CompletableFuture<Void> f : List.copyOf(sent)) {
        await(f);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void sendStaysPendingWhileReceiverDoesNotReadThenEverythingArrives() throws Exception {
    int size = 64 * 1024;
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    boolean pendingSeen = false;
    long taken = 0;
    while (taken <= backpressureBound()) {
      CompletableFuture<Void> f = first().send(numbered(sent.size(), size));
      sent.add(f);
      try {
        f.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        pendingSeen = true;
        break;
      }
      taken += size;
    }
    assertThat(pendingSeen)
        .as("a send stays pending once %d bytes are unread", backpressureBound())
        .isTrue();
    for (int i = 0; i < sent.size(); i++) {
      assertThat(number(await(second().receive()))).isEqualTo(i);
    }
    for (CompletableFuture<Void> f : sent) {
      await(f);
    }
  }

  @Test
  void secondOutstandingReceiveIsRejected() throws Exception {
    CompletableFuture<byte[]> pending = second().receive();
    assertThatThrownBy(() -> await(second().receive())).isInstanceOf(IllegalStateException.class);
    await(first().send(numbered(1, 4)));
    assertThat(number(await(pending))).isEqualTo(1);
  }

  /** Receives through the callback form, counting how often the receiver is called. */
  private static CompletableFuture<byte[]> receiveByCallback(Connection end, AtomicInteger calls) {
    CompletableFuture<byte[]> received = new CompletableFuture<>();
    end.receive(
        (message, failure) -> {
          calls.incrementAndGet();
          if (failure == null) {
            received.complete(message);
          } else {
            received.completeExceptionally(failure);
          }
        });
    return received;
  }

  @Test
  void theCallbackFormReceivesMessagesSentBeforeAndAfterItWasCalledOnceEach() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    await(first().send(numbered(1, 4)));
    assertThat(number(await(receiveByCallback(second(), calls)))).isEqualTo(1);
    CompletableFuture<byte[]> pending = receiveByCallback(second(), calls);
    await(first().send(numbered(2, 4)));
    assertThat(number(await(pending))).isEqualTo(2);
    await(first().send(numbered(3, 4)));
    assertThat(number(await(second().receive()))).as("the forms mix").isEqualTo(3);
    assertThat(calls).hasValue(2);
  }

  @Test
  void aPendingCallbackIsTheOutstandingReceiveAndFailsOnClose() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<byte[]> pending = receiveByCallback(first(), calls);
    assertThatThrownBy(() -> await(first().receive())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> await(receiveByCallback(first(), new AtomicInteger())))
        .isInstanceOf(IllegalStateException.class);
    second().close();
    assertThatThrownBy(() -> await(pending)).isInstanceOf(ConnectionClosedException.class);
    assertThatThrownBy(() -> await(receiveByCallback(first(), calls)))
        .isInstanceOf(ConnectionClosedException.class);
    assertThat(calls).hasValue(2);
  }

  @Test
  void closeOfFirstClosesBoth() throws Exception {
    first().close();
    assertThat(first().isOpen()).isFalse();
    await(first().closeFuture());
    await(second().closeFuture());
    assertThat(second().isOpen()).isFalse();
  }

  @Test
  void closeOfSecondClosesBoth() throws Exception {
    second().close();
    await(first().closeFuture());
    await(second().closeFuture());
    assertThat(first().isOpen()).isFalse();
    assertThat(second().isOpen()).isFalse();
  }

  @Test
  void pendingReceiveFailsOnLocalClose() {
    CompletableFuture<byte[]> pending = first().receive();
    first().close();
    assertThatThrownBy(() -> await(pending)).isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void pendingReceiveFailsOnRemoteClose() {
    CompletableFuture<byte[]> pending = first().receive();
    second().close();
    assertThatThrownBy(() -> await(pending)).isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void receiveAfterLocalCloseFails() {
    first().close();
    assertThatThrownBy(() -> await(first().receive()))
        .isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void sendAfterLocalCloseFails() {
    first().close();
    assertThatThrownBy(() -> await(first().send(new byte[] {1})))
        .isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void sendAfterRemoteCloseIsSeenFails() throws Exception {
    second().close();
    await(first().closeFuture());
    assertThatThrownBy(() -> await(first().send(new byte[] {1})))
        .isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void messagesSentBeforeRemoteCloseAreStillDelivered() throws Exception {
    for (int i = 0; i < 3; i++) {
      await(first().send(numbered(i, 100)));
    }
    first().close();
    for (int i = 0; i < 3; i++) {
      assertThat(number(await(second().receive()))).isEqualTo(i);
    }
    assertThatThrownBy(() -> await(second().receive()))
        .isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void closeIsIdempotentAndCompletesNormally() throws Exception {
    first().close();
    first().close();
    second().close();
    await(first().closeFuture());
    await(second().closeFuture());
    assertThat(first().closeFuture()).isCompleted().isNotCompletedExceptionally();
  }
}

package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ForwardingConnection;
import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.protocol.LoopbackConnection;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Integrity, counters and ordering of {@link EncryptedConnection} (PROTOCOL.md §7). */
class EncryptedConnectionTest {

  private static final byte[] C2S = filled(1);
  private static final byte[] S2C = filled(2);

  private static byte[] filled(int value) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) value);
    return key;
  }

  /**
   * A sender and a receiver with the wire between them in the test's hands: what the sender seals
   * arrives on {@code wireIn}; what the test sends on {@code wireOut} reaches the receiver.
   */
  private static final class Tap {
    final EncryptedConnection sender;
    final Connection wireIn;
    final Connection wireOut;
    final EncryptedConnection receiver;

    Tap(EncryptedConnection.FirstMessageGate gate) {
      LoopbackConnection.Pair up = LoopbackConnection.pair();
      LoopbackConnection.Pair down = LoopbackConnection.pair();
      sender = new EncryptedConnection(up.first(), C2S, S2C, null);
      wireIn = up.second();
      wireOut = down.first();
      receiver = new EncryptedConnection(down.second(), S2C, C2S, gate);
    }

    Tap() {
      this(null);
    }

    List<byte[]> seal(int count) {
      List<byte[]> sealed = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Await.result(sender.send(("message " + i).getBytes()));
        sealed.add(Await.result(wireIn.receive()));
      }
      return sealed;
    }
  }

  enum Mangling {
    TAMPERED {
      @Override
      List<byte[]> apply(List<byte[]> sealed) {
        byte[] bad = sealed.get(1).clone();
        bad[3] ^= 0x01;
        return List.of(sealed.get(0), bad);
      }
    },
    TAG_TAMPERED {
      @Override
      List<byte[]> apply(List<byte[]> sealed) {
        byte[] bad = sealed.get(1).clone();
        bad[bad.length - 1] ^= (byte) 0x80;
        return List.of(sealed.get(0), bad);
      }
    },
    TRUNCATED {
      @Override
      List<byte[]> apply(List<byte[]> sealed) {
        return List.of(
            sealed.get(0), java.util.Arrays.copyOf(sealed.get(1), sealed.get(1).length - 1));
      }
    },
    SHORTER_THAN_TAG {
      @Override
      List<byte[]> apply(List<byte[]> sealed) {
        return List.of(sealed.get(0), new byte[5]);
      }
    },
    REPLAYED {
      @Override
      List<byte[]> apply(List<byte[]> sealed) {
        return List.of(sealed.get(0), sealed.get(0));
      }
    },
    REORDERED {
      @Override
      List<byte[]> apply(List<byte[]> sealed) {
        return List.of(sealed.get(0), sealed.get(2), sealed.get(1));
      }
    },
    DROPPED {
      @Override
      List<byte[]> apply(List<byte[]> sealed) {
        return List.of(sealed.get(0), sealed.get(2));
      }
    };

    /** The wire as the receiver sees it; the last message is the first bad one. */
    abstract List<byte[]> apply(List<byte[]> sealed);
  }

  @ParameterizedTest
  @EnumSource(Mangling.class)
  void aMessageThatDoesNotOpenClosesTheConnection(Mangling mangling) {
    Tap tap = new Tap();
    List<byte[]> wire = mangling.apply(tap.seal(3));
    for (byte[] message : wire) {
      Await.result(tap.wireOut.send(message));
    }

    assertThat(new String(Await.result(tap.receiver.receive()))).isEqualTo("message 0");
    Throwable failure = Await.failure(tap.receiver.receive());

    assertThat(failure).isInstanceOf(IntegrityException.class);
    assertThat(((IntegrityException) failure).counter()).isEqualTo(1);
    assertThat(tap.receiver.isOpen()).isFalse();
    assertThat(tap.wireOut.isOpen()).isFalse();
    assertThat(Await.failure(tap.receiver.closeFuture())).isSameAs(failure);
  }

  @Test
  void pendingReceiveAndLaterReceivesSeeTheIntegrityFailure() {
    Tap tap = new Tap();
    List<byte[]> sealed = tap.seal(2);
    CompletableFuture<byte[]> pending = tap.receiver.receive();

    Await.result(tap.wireOut.send(sealed.get(1)));

    Throwable failure = Await.failure(pending);
    assertThat(failure).isInstanceOf(IntegrityException.class);
    assertThat(Await.failure(tap.receiver.receive())).isSameAs(failure);
    assertThat(Await.failure(tap.receiver.send(new byte[] {1}))).isSameAs(failure);
  }

  @Test
  void nonceIsTheCounterAsEightBigEndianBytesAfterFourZeroBytes() throws Exception {
    long counter = (1L << 32) + 0x0102;
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    EncryptedConnection sender =
        new EncryptedConnection(
            link.first(), C2S, S2C, null, counter, 0, AeadImplementation.current());
    byte[] plaintext = "nonce layout".getBytes();

    Await.result(sender.send(plaintext.clone()));

    byte[] nonce = ByteBuffer.allocate(12).putInt(0).putLong(counter).array();
    ChaCha20Poly1305 reference = new ChaCha20Poly1305();
    reference.init(true, new ParametersWithIV(new KeyParameter(C2S), nonce));
    byte[] expected = new byte[plaintext.length + 16];
    int n = reference.processBytes(plaintext, 0, plaintext.length, expected, 0);
    reference.doFinal(expected, n);
    assertThat(Await.result(link.second().receive())).isEqualTo(expected);
  }

  @Test
  void sendCounterNeverWrapsTheConnectionClosesFirst() {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    EncryptedConnection sender =
        new EncryptedConnection(link.first(), C2S, S2C, null, -2L, 0, AeadImplementation.current());

    Await.result(sender.send(new byte[] {1}));
    Throwable failure = Await.failure(sender.send(new byte[] {2}));

    assertThat(failure)
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("exhausted");
    assertThat(sender.isOpen()).isFalse();
  }

  @Test
  void concurrentSendersNeverPutAHigherCounterOnTheWireFirst() throws Exception {
    int threads = 8;
    int perThread = 1500;
    LoopbackConnection.Pair link = LoopbackConnection.pair(16);
    OverlapDetectingConnection wire = new OverlapDetectingConnection(link.first());
    EncryptedConnection sender = new EncryptedConnection(wire, C2S, S2C, null);
    EncryptedConnection receiver = new EncryptedConnection(link.second(), S2C, C2S, null);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<Void>> sent =
          java.util.Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < threads; t++) {
        int thread = t;
        pool.execute(
            () -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              for (int i = 0; i < perThread; i++) {
                sent.add(sender.send(ByteBuffer.allocate(8).putInt(thread).putInt(i).array()));
              }
            });
      }
      start.countDown();
      int[] next = new int[threads];
      for (int k = 0; k < threads * perThread; k++) {
        // A counter that reached the wire out of order would fail to open here.
        ByteBuffer got = ByteBuffer.wrap(Await.result(receiver.receive()));
        int thread = got.getInt();
        assertThat(got.getInt()).isEqualTo(next[thread]++);
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      for (CompletableFuture<Void> f : List.copyOf(sent)) {
        Await.result(f);
      }
      assertThat(wire.maxOverlap()).isEqualTo(1);
      assertThat(receiver.isOpen()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void sendFromInsideASendCallbackKeepsWireOrder() {
    LoopbackConnection.Pair link = LoopbackConnection.pair(0);
    EncryptedConnection sender = new EncryptedConnection(link.first(), C2S, S2C, null);
    EncryptedConnection receiver = new EncryptedConnection(link.second(), S2C, C2S, null);
    List<CompletableFuture<Void>> nested = new ArrayList<>();

    CompletableFuture<Void> first = sender.send(new byte[] {1});
    first.thenRun(() -> nested.add(sender.send(new byte[] {3})));
    CompletableFuture<Void> second = sender.send(new byte[] {2});

    assertThat(Await.result(receiver.receive())).containsExactly(1);
    assertThat(Await.result(receiver.receive())).containsExactly(2);
    assertThat(Await.result(receiver.receive())).containsExactly(3);
    Await.result(second);
    assertThat(nested).hasSize(1);
    Await.result(nested.get(0));
  }

  @Test
  void firstMessageIsHeldUntilTheGateAdmitsIt() {
    CompletableFuture<Void> admission = new CompletableFuture<>();
    AtomicInteger calls = new AtomicInteger();
    Tap tap =
        new Tap(
            first -> {
              calls.incrementAndGet();
              return admission;
            });
    List<byte[]> sealed = tap.seal(2);
    Await.result(tap.wireOut.send(sealed.get(0)));
    Await.result(tap.wireOut.send(sealed.get(1)));

    CompletableFuture<byte[]> first = tap.receiver.receive();
    Await.result(tap.receiver.firstMessageOpened());
    assertThat(first).isNotDone();

    admission.complete(null);
    assertThat(new String(Await.result(first))).isEqualTo("message 0");
    assertThat(new String(Await.result(tap.receiver.receive()))).isEqualTo("message 1");
    assertThat(calls).hasValue(1);
  }

  @Test
  void refusedFirstMessageClosesTheConnectionWithTheReason() {
    AuthFailureException refusal =
        new AuthFailureException(AuthFailureException.Reason.UNTRUSTED_PEER, "no");
    Tap tap = new Tap(first -> CompletableFuture.failedFuture(refusal));
    Await.result(tap.wireOut.send(tap.seal(1).get(0)));

    Throwable failure = Await.failure(tap.receiver.receive());

    assertThat(failure).isInstanceOf(ConnectionClosedException.class).hasCause(refusal);
    assertThat(tap.receiver.isOpen()).isFalse();
    assertThat(Await.failure(tap.receiver.closeFuture())).isSameAs(failure);
  }

  @Test
  void firstMessageOpenedFailsWhenTheConnectionClosesBeforeAnyMessage() {
    Tap tap = new Tap();
    tap.receiver.close();
    assertThat(Await.failure(tap.receiver.firstMessageOpened()))
        .isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void queuedSendsFailWhenTheConnectionCloses() {
    LoopbackConnection.Pair link = LoopbackConnection.pair(0);
    EncryptedConnection sender = new EncryptedConnection(link.first(), C2S, S2C, null);
    CompletableFuture<Void> pending = sender.send(new byte[] {1});
    assertThat(pending).isNotDone();

    sender.close();

    assertThat(Await.failure(pending)).isInstanceOf(ConnectionClosedException.class);
  }

  /** Records how many sends were ever in progress at the same time. */
  private static final class OverlapDetectingConnection extends ForwardingConnection {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();

    OverlapDetectingConnection(Connection inner) {
      super(inner);
    }

    int maxOverlap() {
      return max.get();
    }

    @Override
    public CompletableFuture<Void> send(byte[] message) {
      int now = inFlight.incrementAndGet();
      max.accumulateAndGet(now, Math::max);
      try {
        Thread.yield(); // widen the window in which an unserialised caller would overlap
        return delegate.send(message);
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  /** A sender whose wire messages are recorded, and its receiver. */
  private record Recorded(
      RecordingConnection wire, EncryptedConnection sender, EncryptedConnection receiver) {
    static Recorded link() {
      LoopbackConnection.Pair link = LoopbackConnection.pair();
      RecordingConnection wire = new RecordingConnection(link.first());
      return new Recorded(
          wire,
          new EncryptedConnection(wire, C2S, S2C, null),
          new EncryptedConnection(link.second(), S2C, C2S, null));
    }
  }

  @Test
  void aPlaintextWithin16BytesOfTheTransportLimitIsRefusedBeforeItReachesTheWire() {
    Recorded link = Recorded.link();

    CompletableFuture<Void> tooLarge =
        link.sender().send(new byte[FrameCodec.DEFAULT_MAX_MESSAGE_SIZE - 8]);

    assertThat(Await.failure(tooLarge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Integer.toString(EncryptedConnection.MAX_PLAINTEXT_SIZE))
        .hasMessageContaining("nothing was sent");
    assertThat(link.wire().sent()).isEmpty();
    assertThat(link.sender().isOpen()).isTrue();
    // The refused message used no counter: the next one opens at the receiver.
    Await.result(link.sender().send(new byte[] {1, 2, 3}));
    assertThat(Await.result(link.receiver().receive())).containsExactly(1, 2, 3);
  }

  @Test
  void aPlaintextAtTheLimitSealsToExactlyTheTransportLimitAndOpens() {
    Recorded link = Recorded.link();

    Await.result(link.sender().send(new byte[EncryptedConnection.MAX_PLAINTEXT_SIZE]));

    assertThat(link.wire().sent().get(0)).hasSize(FrameCodec.DEFAULT_MAX_MESSAGE_SIZE);
    assertThat(Await.result(link.receiver().receive()))
        .hasSize(EncryptedConnection.MAX_PLAINTEXT_SIZE);
  }

  @Test
  void closingTheConnectionDestroysBothSessionKeys() {
    Tap tap = new Tap();
    tap.seal(3);

    tap.sender.close();
    Await.result(tap.sender.closeFuture());

    assertThat(tap.sender.keysDestroyed()).isTrue();
    assertThat(Await.failure(tap.sender.send(new byte[1])))
        .isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void afterThePeerClosesTheReceiveKeyOpensWhatWasSentAndIsThenDestroyed() {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    EncryptedConnection local = new EncryptedConnection(link.first(), C2S, S2C, null);
    EncryptedConnection remote = new EncryptedConnection(link.second(), S2C, C2S, null);
    Await.result(remote.send(new byte[] {42}));

    remote.close();
    Await.result(local.closeFuture());

    assertThat(Await.result(local.receive())).containsExactly(42);
    assertThat(Await.failure(local.receive())).isInstanceOf(ConnectionClosedException.class);
    assertThat(local.keysDestroyed()).isTrue();
  }
}

package dev.opendesk.auth;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.Failures;
import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.protocol.ReceiveFuture;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Connection} decorator that encrypts every message (PROTOCOL.md §7): each message on the
 * wire is ChaCha20-Poly1305 of the plaintext under this direction's session key, with a nonce that
 * is the direction's message counter (4 zero bytes, then the counter as 8 bytes big-endian),
 * counted on both sides and never transmitted. Obtained from a {@link Session}; the handshakes of
 * {@link Handshake} create it.
 *
 * <p>Any inbound message that fails to open (tampered, truncated, lost, reordered, replayed) closes
 * the connection at once: the pending or next {@link #receive()} and {@link #closeFuture()} fail
 * with {@link IntegrityException}. The send counter never wraps: the connection closes before
 * 2<sup>64</sup> messages.
 *
 * <p>Thread-safe, per the {@link Connection} contract. Concurrent sends are sealed and handed to
 * the underlying connection one at a time, through a queue, so a message sealed with counter {@code
 * n} always reaches the wire before the one sealed with {@code n + 1}; a send issued from inside
 * another send's callback is queued, never reordered. The cipher state is reused per direction.
 *
 * <p>A message may hold at most {@link #MAX_PLAINTEXT_SIZE} bytes, so that with its tag it stays
 * within the 16 MiB transport limit of the other side; a larger one fails its send with {@link
 * IllegalArgumentException} and the connection stays open.
 *
 * <p>The cipher is chosen per message size at run time: Bouncy Castle for small messages, the JDK's
 * cipher for larger ones where HotSpot runs it on vector intrinsics (JDK 20 and later); see the
 * README's encryption section. When the connection closes, the session keys are overwritten in this
 * object and in the cipher engines (as far as the JDK allows: the one-time Poly1305 keys of past
 * messages stay in unreferenced JDK buffers until collected).
 */
public final class EncryptedConnection implements Connection {

  private static final Logger log = LoggerFactory.getLogger(EncryptedConnection.class);

  /** Decides whether the first inbound message may be delivered (pairing approval and trust). */
  @FunctionalInterface
  interface FirstMessageGate {
    /**
     * Called once with a copy of the first opened plaintext; the message is delivered when the
     * returned stage completes, and the connection closes with its error if it fails.
     */
    CompletionStage<Void> admit(byte[] firstPlaintext);
  }

  private static final long LAST_COUNTER = -1L; // 2^64 - 1 as an unsigned long

  /**
   * The largest plaintext one message may hold: the default transport limit ({@link
   * FrameCodec#DEFAULT_MAX_MESSAGE_SIZE}, 16 MiB, the WebSocket limit of both ends by default)
   * minus the 16-byte tag. A larger message would encode and be sent, and then close the connection
   * at the receiver.
   */
  public static final int MAX_PLAINTEXT_SIZE =
      FrameCodec.DEFAULT_MAX_MESSAGE_SIZE - KeySchedule.TAG_SIZE;

  private final Connection inner;
  private final FirstMessageGate gate;

  // Send side: only the thread that currently drains the queue touches these; sealLock (uncontended
  // but for the close) keeps the key's destruction from racing a seal.
  private final SessionCipher sealer;
  private final ReentrantLock sealLock = new ReentrantLock();
  private long sendCounter;
  private final ConcurrentLinkedQueue<Outgoing> outgoing = new ConcurrentLinkedQueue<>();
  private final AtomicInteger drainers = new AtomicInteger();

  // Receive side: receives are serial (one outstanding), so one thread at a time touches these;
  // the receiving flag's volatile write/read orders them across threads. openLock keeps the key's
  // destruction from racing an open.
  private final SessionCipher opener;
  private final ReentrantLock openLock = new ReentrantLock();
  private long receiveCounter;
  private boolean firstReceived;
  private final AtomicBoolean receiving = new AtomicBoolean();
  // The outstanding receive's receiver, and the one receiver this connection gives the inner one.
  private BiConsumer<? super byte[], ? super Throwable> receiver;
  private final BiConsumer<byte[], Throwable> onCiphertext = this::onReceived;

  private final AtomicReference<ConnectionClosedException> failure = new AtomicReference<>();
  // Set when a key is no longer needed; whoever holds that cipher's lock then destroys it (see
  // destroySendKey), so closing never waits for a seal or an open in progress.
  private volatile boolean sendKeyClosed;
  private volatile boolean receiveKeyClosed;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final CompletableFuture<Void> firstMessageOpened = new CompletableFuture<>();

  private record Outgoing(byte[] plaintext, CompletableFuture<Void> taken) {}

  /**
   * Wraps {@code inner}; the keys are copied.
   *
   * @param gate holds back the first inbound message until it completes, or {@code null}
   */
  EncryptedConnection(Connection inner, byte[] sendKey, byte[] receiveKey, FirstMessageGate gate) {
    this(inner, sendKey, receiveKey, gate, 0, 0, AeadImplementation.current());
  }

  /** As above with given initial counters and cipher implementation (tests). */
  EncryptedConnection(
      Connection inner,
      byte[] sendKey,
      byte[] receiveKey,
      FirstMessageGate gate,
      long sendCounter,
      long receiveCounter,
      AeadImplementation aead) {
    this.inner = Objects.requireNonNull(inner, "inner");
    if (sendKey.length != KeySchedule.KEY_SIZE || receiveKey.length != KeySchedule.KEY_SIZE) {
      throw new IllegalArgumentException("session keys must be " + KeySchedule.KEY_SIZE + " bytes");
    }
    this.sealer = aead.newCipher(sendKey, true);
    this.opener = aead.newCipher(receiveKey, false);
    this.gate = gate;
    this.sendCounter = sendCounter;
    this.receiveCounter = receiveCounter;
    inner
        .closeFuture()
        .whenComplete(
            (ignored, error) -> {
              ConnectionClosedException f = failure.get();
              if (f != null) {
                closeFuture.completeExceptionally(f);
              } else if (error != null) {
                closeFuture.completeExceptionally(Failures.unwrap(error));
              } else {
                closeFuture.complete(null);
              }
              firstMessageOpened.completeExceptionally(
                  f != null
                      ? f
                      : new ConnectionClosedException(
                          "connection closed before the first message"));
              failQueued();
              // Messages the peer sent before closing may still be waiting to be opened: the
              // receive key goes when they are drained, or at a local close.
              destroySendKey();
            });
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    if (message == null) {
      return CompletableFuture.failedFuture(new NullPointerException("message"));
    }
    if (message.length > MAX_PLAINTEXT_SIZE) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "message of "
                  + message.length
                  + " bytes exceeds the encrypted connection's limit of "
                  + MAX_PLAINTEXT_SIZE
                  + " bytes (the 16 MiB transport limit minus the 16-byte tag); nothing was sent"));
    }
    ConnectionClosedException f = failure.get();
    if (f != null) {
      return CompletableFuture.failedFuture(f);
    }
    if (drainers.compareAndSet(0, 1)) {
      // Nobody is draining: unless messages wait before this one, it goes out now, and the
      // caller gets the underlying connection's own send future (no queue node, no future here).
      CompletableFuture<Void> sent;
      if (outgoing.isEmpty()) {
        sent = sealAndSend(message);
      } else {
        sent = new CompletableFuture<>();
        outgoing.add(new Outgoing(message, sent));
      }
      drainQueued(1);
      return sent;
    }
    CompletableFuture<Void> taken = new CompletableFuture<>();
    outgoing.add(new Outgoing(message, taken));
    if (drainers.getAndIncrement() == 0) {
      drainQueued(1);
    }
    return taken;
  }

  /**
   * Seals and hands over queued messages. Only one thread drains at a time (the one that raised
   * {@code drainers} from 0), so counters follow the order in which messages are handed to the
   * underlying connection; {@code missed} is the count this thread already holds.
   */
  private void drainQueued(int missed) {
    do {
      Outgoing next;
      while ((next = outgoing.poll()) != null) {
        CompletableFuture<Void> taken = next.taken;
        sealAndSend(next.plaintext)
            .whenComplete(
                (ignored, error) -> {
                  if (error != null) {
                    taken.completeExceptionally(Failures.unwrap(error));
                  } else {
                    taken.complete(null);
                  }
                });
      }
      missed = drainers.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Seals the next message and hands it to the underlying connection; only the drainer calls. */
  private CompletableFuture<Void> sealAndSend(byte[] plaintext) {
    ConnectionClosedException f = failure.get();
    if (f != null || !inner.isOpen()) {
      return CompletableFuture.failedFuture(
          f != null ? f : new ConnectionClosedException("connection closed"));
    }
    if (sendCounter == LAST_COUNTER) {
      fail(
          new ConnectionClosedException(
              "send counter exhausted: 2^64 - 1 messages sent under one key"));
      return CompletableFuture.failedFuture(failure.get());
    }
    byte[] sealed = seal(plaintext);
    if (sealed == null) {
      return CompletableFuture.failedFuture(new ConnectionClosedException("connection closed"));
    }
    try {
      return inner.send(sealed);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The next message sealed, or {@code null} if the keys are gone (the connection closed). */
  private byte[] seal(byte[] plaintext) {
    byte[] out;
    sealLock.lock();
    try {
      if (sendKeyClosed) {
        return null;
      }
      out = sealer.seal(sendCounter, plaintext);
    } finally {
      releaseSealer();
    }
    sendCounter++;
    return out;
  }

  @Override
  public CompletableFuture<byte[]> receive() {
    ReceiveFuture next = new ReceiveFuture();
    receive(next);
    return next;
  }

  /** Opens the next message into {@code receiver}: no future while it waits. */
  @Override
  public void receive(BiConsumer<? super byte[], ? super Throwable> receiver) {
    Objects.requireNonNull(receiver, "receiver");
    ConnectionClosedException f = failure.get();
    if (f != null) {
      receiver.accept(null, f);
      return;
    }
    if (!receiving.compareAndSet(false, true)) {
      receiver.accept(null, new IllegalStateException("a receive is already outstanding"));
      return;
    }
    this.receiver = receiver;
    try {
      inner.receive(onCiphertext);
    } catch (RuntimeException e) {
      onReceived(null, e);
    }
  }

  private void onReceived(byte[] ciphertext, Throwable error) {
    if (error != null) {
      if (!inner.isOpen()) {
        destroyReceiveKey(); // nothing more will arrive
      }
      ConnectionClosedException f = failure.get();
      deliver(null, f != null ? f : Failures.unwrap(error));
      return;
    }
    byte[] plaintext = open(ciphertext);
    if (plaintext == null && receiveKeyClosed) {
      ConnectionClosedException f = failure.get();
      deliver(null, f != null ? f : new ConnectionClosedException("connection closed"));
      return;
    }
    if (plaintext == null) {
      fail(
          new IntegrityException(
              receiveCounter,
              "inbound message #"
                  + Long.toUnsignedString(receiveCounter)
                  + " failed to open (tampered, truncated, lost, reordered or replayed); connection closed"));
      deliver(null, failure.get());
      return;
    }
    if (!firstReceived) {
      firstReceived = true;
      firstMessageOpened.complete(null);
      if (gate != null) {
        CompletionStage<Void> admitted;
        try {
          admitted = gate.admit(plaintext.clone());
        } catch (RuntimeException e) {
          admitted = CompletableFuture.failedFuture(e);
        }
        admitted.whenComplete(
            (ignored, refused) -> {
              if (refused != null) {
                Throwable cause = Failures.unwrap(refused);
                // A refused peer ends a pairing: PAIRING-V2.md closes failed pairings with 1008.
                fail(
                    new ConnectionClosedException(
                        "peer not admitted: " + cause.getMessage(), cause),
                    HandshakeIo.POLICY_VIOLATION);
                deliver(null, failure.get());
              } else {
                deliver(plaintext, null);
              }
            });
        return;
      }
    }
    deliver(plaintext, null);
  }

  /** Ends the outstanding receive; its receiver may start the next one at once. */
  private void deliver(byte[] plaintext, Throwable error) {
    BiConsumer<? super byte[], ? super Throwable> r = receiver;
    receiver = null;
    receiving.set(false);
    r.accept(plaintext, error);
  }

  /**
   * Opens one inbound message under the next receive counter; {@code null} if it does not
   * authenticate.
   */
  private byte[] open(byte[] ciphertext) {
    if (ciphertext == null || ciphertext.length < KeySchedule.TAG_SIZE) {
      return null;
    }
    byte[] out;
    openLock.lock();
    try {
      if (receiveKeyClosed) {
        return null;
      }
      out = opener.open(receiveCounter, ciphertext);
    } catch (RuntimeException e) {
      out = null;
    } finally {
      releaseOpener();
    }
    if (out == null) {
      return null;
    }
    // A counter past 2^64 - 1 would repeat a nonce; the peer must have re-keyed long before.
    if (receiveCounter == LAST_COUNTER) {
      fail(new ConnectionClosedException("receive counter exhausted"));
      return null;
    }
    receiveCounter++;
    return out;
  }

  /** Records the first failure and closes the underlying connection. */
  private void fail(ConnectionClosedException error) {
    fail(error, 0);
  }

  /** As {@link #fail(ConnectionClosedException)}, closing with {@code status} unless it is 0. */
  private void fail(ConnectionClosedException error, int status) {
    if (failure.compareAndSet(null, error)) {
      log.debug("closing encrypted connection: {}", error.getMessage());
    }
    if (status == 0) {
      inner.close();
    } else {
      inner.close(status, "");
    }
    destroyReceiveKey(); // nothing more is opened after a failure
  }

  /*
   * Key wiping (#14, key material). The send key goes when the connection closes; the receive key
   * when nothing more can be opened: at a local close, after a failure, or once the underlying
   * connection has delivered its last message. A cipher in use right now is destroyed by its user
   * as it releases it (releaseSealer, releaseOpener), so this never waits for a seal or an open: the lock a failed
   * tryLock saw held is released after the flag was written, and the releasing thread reads the
   * flag after that.
   */
  private void destroySendKey() {
    sendKeyClosed = true;
    destroyIfFree(sealLock, sealer);
  }

  private void destroyReceiveKey() {
    receiveKeyClosed = true;
    destroyIfFree(openLock, opener);
  }

  private void releaseSealer() {
    sealLock.unlock();
    if (sendKeyClosed) { // read after the unlock, see above
      destroyIfFree(sealLock, sealer);
    }
  }

  private void releaseOpener() {
    openLock.unlock();
    if (receiveKeyClosed) {
      destroyIfFree(openLock, opener);
    }
  }

  private static void destroyIfFree(ReentrantLock lock, MessageCipher cipher) {
    if (lock.tryLock()) {
      try {
        cipher.destroy();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Whether both session keys have been overwritten (tests). */
  boolean keysDestroyed() {
    return !holdsKey(sealLock, sealer) && !holdsKey(openLock, opener);
  }

  private static boolean holdsKey(ReentrantLock lock, SessionCipher cipher) {
    lock.lock();
    try {
      return cipher.holdsKey();
    } finally {
      lock.unlock();
    }
  }

  private void failQueued() {
    // Anything still queued when the connection closed must not wait forever: draining a closed
    // connection fails each queued message.
    if (drainers.getAndIncrement() == 0) {
      drainQueued(1);
    }
  }

  @Override
  public void close() {
    inner.close();
    destroySendKey();
    destroyReceiveKey();
  }

  /** Closes the underlying connection with {@code status} and {@code reason}. */
  @Override
  public void close(int status, String reason) {
    inner.close(status, reason);
    destroySendKey();
    destroyReceiveKey();
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public boolean isOpen() {
    return failure.get() == null && inner.isOpen();
  }

  /**
   * Completes when the peer's first message has opened under the session keys, which proves the
   * peer holds the keys this handshake derived (and, after a pairing, its static private key);
   * fails if the connection closes first. Pairing writes trust only after this (see {@link
   * Session#trusted()}).
   */
  public CompletableFuture<Void> firstMessageOpened() {
    return firstMessageOpened;
  }

  /** The underlying connection (e.g. to read transport details); do not send or receive on it. */
  public Connection underlying() {
    return inner;
  }

  @Override
  public String toString() {
    return "EncryptedConnection[" + inner + "]";
  }
}

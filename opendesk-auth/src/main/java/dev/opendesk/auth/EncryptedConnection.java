package dev.opendesk.auth;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.Failures;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
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

  private final Connection inner;
  private final FirstMessageGate gate;

  // Send side: only the thread that currently drains the queue touches these.
  private final KeyParameter sendKey;
  private final ChaCha20Poly1305 sealer = new ChaCha20Poly1305();
  private final byte[] sendNonce = new byte[KeySchedule.NONCE_SIZE];
  private long sendCounter;
  private final ConcurrentLinkedQueue<Outgoing> outgoing = new ConcurrentLinkedQueue<>();
  private final AtomicInteger drainers = new AtomicInteger();

  // Receive side: receives are serial (one outstanding), so one thread at a time touches these;
  // the receiving flag's volatile write/read orders them across threads.
  private final KeyParameter receiveKey;
  private final ChaCha20Poly1305 opener = new ChaCha20Poly1305();
  private final byte[] receiveNonce = new byte[KeySchedule.NONCE_SIZE];
  private long receiveCounter;
  private boolean firstReceived;
  private final AtomicBoolean receiving = new AtomicBoolean();

  private final AtomicReference<ConnectionClosedException> failure = new AtomicReference<>();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final CompletableFuture<Void> firstMessageOpened = new CompletableFuture<>();

  private record Outgoing(byte[] plaintext, CompletableFuture<Void> taken) {}

  /**
   * Wraps {@code inner}; the keys are copied.
   *
   * @param gate holds back the first inbound message until it completes, or {@code null}
   */
  EncryptedConnection(Connection inner, byte[] sendKey, byte[] receiveKey, FirstMessageGate gate) {
    this(inner, sendKey, receiveKey, gate, 0, 0);
  }

  /** As above with given initial counters (tests of the counter limit). */
  EncryptedConnection(
      Connection inner,
      byte[] sendKey,
      byte[] receiveKey,
      FirstMessageGate gate,
      long sendCounter,
      long receiveCounter) {
    this.inner = Objects.requireNonNull(inner, "inner");
    if (sendKey.length != KeySchedule.KEY_SIZE || receiveKey.length != KeySchedule.KEY_SIZE) {
      throw new IllegalArgumentException("session keys must be " + KeySchedule.KEY_SIZE + " bytes");
    }
    this.sendKey = new KeyParameter(sendKey);
    this.receiveKey = new KeyParameter(receiveKey);
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
            });
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    if (message == null) {
      return CompletableFuture.failedFuture(new NullPointerException("message"));
    }
    ConnectionClosedException f = failure.get();
    if (f != null) {
      return CompletableFuture.failedFuture(f);
    }
    CompletableFuture<Void> taken = new CompletableFuture<>();
    outgoing.add(new Outgoing(message, taken));
    drain();
    return taken;
  }

  /**
   * Seals and hands over queued messages; only one thread drains at a time, so counters follow the
   * order in which messages are handed to the underlying connection.
   */
  private void drain() {
    if (drainers.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      Outgoing next;
      while ((next = outgoing.poll()) != null) {
        ConnectionClosedException f = failure.get();
        if (f != null || !inner.isOpen()) {
          next.taken.completeExceptionally(
              f != null ? f : new ConnectionClosedException("connection closed"));
          continue;
        }
        if (sendCounter == LAST_COUNTER) {
          fail(
              new ConnectionClosedException(
                  "send counter exhausted: 2^64 - 1 messages sent under one key"));
          next.taken.completeExceptionally(failure.get());
          continue;
        }
        byte[] sealed = seal(next.plaintext);
        CompletableFuture<Void> taken = next.taken;
        CompletableFuture<Void> sent;
        try {
          sent = inner.send(sealed);
        } catch (RuntimeException e) {
          sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete(
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

  private byte[] seal(byte[] plaintext) {
    setCounter(sendNonce, sendCounter);
    sealer.init(true, new ParametersWithIV(sendKey, sendNonce));
    byte[] out = new byte[plaintext.length + KeySchedule.TAG_SIZE];
    int n = sealer.processBytes(plaintext, 0, plaintext.length, out, 0);
    try {
      sealer.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("encryption cannot fail", e);
    }
    sendCounter++;
    return out;
  }

  private static void setCounter(byte[] nonce, long counter) {
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] = (byte) (counter >>> (8 * i));
    }
  }

  @Override
  public CompletableFuture<byte[]> receive() {
    ConnectionClosedException f = failure.get();
    if (f != null) {
      return CompletableFuture.failedFuture(f);
    }
    if (!receiving.compareAndSet(false, true)) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("a receive is already outstanding"));
    }
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    CompletableFuture<byte[]> next;
    try {
      next = inner.receive();
    } catch (RuntimeException e) {
      next = CompletableFuture.failedFuture(e);
    }
    next.whenComplete((ciphertext, error) -> onReceived(ciphertext, error, result));
    return result;
  }

  private void onReceived(byte[] ciphertext, Throwable error, CompletableFuture<byte[]> result) {
    if (error != null) {
      ConnectionClosedException f = failure.get();
      receiving.set(false);
      result.completeExceptionally(f != null ? f : Failures.unwrap(error));
      return;
    }
    byte[] plaintext = open(ciphertext);
    if (plaintext == null) {
      fail(
          new IntegrityException(
              receiveCounter,
              "inbound message #"
                  + Long.toUnsignedString(receiveCounter)
                  + " failed to open (tampered, truncated, lost, reordered or replayed); connection closed"));
      receiving.set(false);
      result.completeExceptionally(failure.get());
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
                fail(
                    new ConnectionClosedException(
                        "peer not admitted: " + cause.getMessage(), cause));
                receiving.set(false);
                result.completeExceptionally(failure.get());
              } else {
                receiving.set(false);
                result.complete(plaintext);
              }
            });
        return;
      }
    }
    receiving.set(false);
    result.complete(plaintext);
  }

  /**
   * Opens one inbound message under the next receive counter; {@code null} if it does not
   * authenticate.
   */
  private byte[] open(byte[] ciphertext) {
    if (ciphertext == null || ciphertext.length < KeySchedule.TAG_SIZE) {
      return null;
    }
    setCounter(receiveNonce, receiveCounter);
    opener.init(false, new ParametersWithIV(receiveKey, receiveNonce));
    byte[] out = new byte[ciphertext.length - KeySchedule.TAG_SIZE];
    try {
      int n = opener.processBytes(ciphertext, 0, ciphertext.length, out, 0);
      opener.doFinal(out, n);
    } catch (InvalidCipherTextException | RuntimeException e) {
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
    if (failure.compareAndSet(null, error)) {
      log.debug("closing encrypted connection: {}", error.getMessage());
    }
    inner.close();
  }

  private void failQueued() {
    // Anything still queued when the connection closed must not wait forever: draining a closed
    // connection fails each queued message.
    drain();
  }

  @Override
  public void close() {
    inner.close();
  }

  /** Closes the underlying connection with {@code status} and {@code reason}. */
  @Override
  public void close(int status, String reason) {
    inner.close(status, reason);
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

package dev.opendesk.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A reliable, ordered channel of whole messages: the transport shape every layer shares (Loopback,
 * WebSocket, and decorators such as the encrypted connection).
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #send} takes ownership of the array: do not modify it after the call. The future
 *       completes when the transport has taken the message (buffered within its bounds or written);
 *       it stays pending while the transport applies backpressure, and fails with {@link
 *       ConnectionClosedException} if the connection closes before the message was taken.
 *   <li>{@link #receive} returns the next whole message. At most one receive may be outstanding; a
 *       second concurrent one fails with {@link IllegalStateException}. Messages the remote sent
 *       before it closed are still delivered; after that, and at once after a local {@link
 *       #close()}, receive fails with {@link ConnectionClosedException} (carrying the cause of an
 *       error close).
 *   <li>{@link #close()} is idempotent; {@link #closeFuture()} completes when the connection is
 *       closed, by either side: normally for an orderly close, exceptionally with the error when a
 *       failure closed it.
 *   <li>Futures may complete on any thread, including the caller's (an already-completed future): a
 *       receive loop must iterate, not recurse, and must not block in a callback.
 * </ul>
 *
 * <p>Implementations are thread-safe: {@code send} may be called from any thread, and concurrent
 * sends are delivered in the order their calls happened-before each other.
 */
public interface Connection extends AutoCloseable {

  /** Sends one message; see the class documentation for when the future completes. */
  CompletableFuture<Void> send(byte[] message);

  /** Receives the next message; see the class documentation. */
  CompletableFuture<byte[]> receive();

  /**
   * Receives the next message as {@link #receive()} does, handing it to {@code receiver} instead of
   * a future: exactly once, with the message and {@code null}, or {@code null} and the failure
   * {@code receive()}'s future would fail with. It may run on this thread before this method
   * returns, or on the thread that sent the message, so it must neither block nor throw. It counts
   * as the one outstanding receive.
   *
   * <p>A receive loop uses this form to wait without a future and a dependent stage per message.
   * This default goes through {@link #receive()}; a transport overrides it where it can do better.
   */
  default void receive(BiConsumer<? super byte[], ? super Throwable> receiver) {
    CompletableFuture<byte[]> next;
    try {
      next = receive();
    } catch (RuntimeException e) {
      receiver.accept(null, e);
      return;
    }
    next.whenComplete(receiver);
  }

  /**
   * The completed future a transport returns from {@link #send} for a message it took at once: one
   * shared instance instead of a new future per message. It refuses {@code obtrude*}, the only way
   * a completed future could change.
   */
  static CompletableFuture<Void> taken() {
    return TakenFuture.TAKEN;
  }

  /** Closes the connection (both directions). Idempotent; never throws. */
  @Override
  void close();

  /**
   * Closes the connection as {@link #close()} does, telling the peer why where the transport can: a
   * WebSocket sends {@code status} (RFC 6455 §7.4, e.g. 1008 "policy violation", which a failed
   * handshake uses) and {@code reason} in its close frame. Transports without close statuses (this
   * default) just {@link #close()}. Idempotent: only the first close tells the peer anything.
   *
   * @param status a close status a WebSocket endpoint may send: 1000–1003, 1007–1011 or 3000–4999
   * @param reason a short explanation for the peer (at most 123 UTF-8 bytes), or {@code ""}
   * @throws IllegalArgumentException if a transport with close statuses cannot send {@code status}
   */
  default void close(int status, String reason) {
    close();
  }

  /**
   * Completes when the connection is closed: normally, or exceptionally with the error that closed
   * it.
   */
  CompletableFuture<Void> closeFuture();

  /** Whether the connection is open (neither side has closed it and no error has). */
  boolean isOpen();
}

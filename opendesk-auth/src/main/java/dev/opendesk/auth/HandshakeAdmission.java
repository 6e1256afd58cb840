package dev.opendesk.auth;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.Failures;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds how many connections of one server may be unauthenticated at once: each accepted
 * connection counts until its {@link Handshake#serve handshake} has completed or failed, and when a
 * new connection would exceed the cap the <em>oldest</em> pending one is closed to make room.
 *
 * <pre>{@code
 * HandshakeAdmission admission = HandshakeAdmission.create(handshake, HandshakeAdmission.DEFAULT_MAX_PENDING);
 * WebSocketServer server = WebSocketServer.start("0.0.0.0", 8423, connection ->
 *     admission.serve(connection, identity, trustedPeers, pairingGate)
 *         .thenAccept(session -> startPeer(session)));
 * }</pre>
 *
 * <p><b>Why evict the oldest instead of refusing the newest.</b> Before its first message nobody
 * can tell the owner from a stranger. Refusing newcomers at the cap would let a few hundred idle
 * sockets lock the owner out for as long as the flood lasts; evicting the oldest always admits the
 * newcomer, and a legitimate handshake takes one round trip, so it is only at risk if an attacker
 * opens more than the cap within that round trip. Connections that never speak are also dropped by
 * the {@link Handshake#stepTimeout() step timeout}; the cap bounds what they can hold meanwhile
 * (sockets, buffers, handshake state).
 *
 * <p>An evicted handshake fails with {@link AuthFailureException} of reason {@link
 * AuthFailureException.Reason#TIMEOUT timeout} (it was the slowest) and its connection is closed.
 *
 * <p>Thread-safe: one instance serves every connection of a server.
 */
public final class HandshakeAdmission {

  /** A default cap that a desktop server never reaches in normal use. */
  public static final int DEFAULT_MAX_PENDING = 64;

  private final Handshake handshake;
  private final int maxPending;
  private final Object lock = new Object();
  // Guarded by lock; oldest first.
  private final Deque<Pending> pending = new ArrayDeque<>();
  private final AtomicLong evicted = new AtomicLong();

  private HandshakeAdmission(Handshake handshake, int maxPending) {
    this.handshake = handshake;
    this.maxPending = maxPending;
  }

  /**
   * An admission that runs {@code handshake} with at most {@code maxPending} handshakes in
   * progress.
   *
   * @throws IllegalArgumentException if {@code maxPending} is not positive
   */
  public static HandshakeAdmission create(Handshake handshake, int maxPending) {
    Objects.requireNonNull(handshake, "handshake");
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be positive: " + maxPending);
    }
    return new HandshakeAdmission(handshake, maxPending);
  }

  /**
   * Admits {@code connection} (evicting the oldest pending handshake if the cap is reached) and
   * serves it with {@link Handshake#serve}.
   *
   * @return the session, or the handshake's failure; {@link AuthFailureException} with reason
   *     {@code timeout} if this connection was evicted for a newer one
   */
  public CompletableFuture<Session> serve(
      Connection connection, Identity identity, TrustedPeers trustedPeers, PairingGate pairing) {
    Objects.requireNonNull(connection, "connection");
    Pending admitted = new Pending(connection);
    Pending victim = null;
    synchronized (lock) {
      if (pending.size() >= maxPending) {
        victim = pending.pollFirst();
        victim.evicted = true;
      }
      pending.addLast(admitted);
    }
    if (victim != null) {
      evicted.incrementAndGet();
      victim.connection.close();
    }
    CompletableFuture<Session> served;
    try {
      served = handshake.serve(connection, identity, trustedPeers, pairing);
    } catch (RuntimeException e) {
      served = CompletableFuture.failedFuture(e);
    }
    return served.handle(
        (session, failure) -> {
          synchronized (lock) {
            pending.remove(admitted);
          }
          if (failure == null) {
            return session;
          }
          if (admitted.evicted) {
            throw new AuthFailureException(
                AuthFailureException.Reason.TIMEOUT,
                "evicted to admit a newer connection: more than "
                    + maxPending
                    + " handshakes pending",
                Failures.unwrap(failure));
          }
          throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        });
  }

  /** How many handshakes are in progress now. */
  public int pending() {
    synchronized (lock) {
      return pending.size();
    }
  }

  /** How many handshakes were evicted so far to admit newer connections. */
  public long evictedCount() {
    return evicted.get();
  }

  /** The cap. */
  public int maxPending() {
    return maxPending;
  }

  private static final class Pending {
    final Connection connection;
    // Written under lock before the connection is closed; read after the handshake failed.
    volatile boolean evicted;

    Pending(Connection connection) {
      this.connection = connection;
    }
  }
}

package dev.opendesk.auth;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.Failures;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds how many connections of one server may be unauthenticated at once: each accepted
 * connection counts until its {@link Handshake#serve handshake} has failed, or has succeeded and
 * the client's first encrypted frame has opened (which, unlike the handshake messages, proves the
 * client holds its key). When a new connection would exceed the cap, one pending connection is
 * closed to make room: the oldest of those that have not yet sent a well-formed handshake hello,
 * and only if every pending one has, the oldest of all.
 *
 * <pre>{@code
 * HandshakeAdmission admission = HandshakeAdmission.create(handshake, HandshakeAdmission.DEFAULT_MAX_PENDING);
 * WebSocketServer server = WebSocketServer.start("0.0.0.0", 8423, connection ->
 *     admission.serve(connection, identity, trustedPeers, pairingGate)
 *         .thenAccept(session -> startPeer(session)));
 * }</pre>
 *
 * <p><b>Why evict instead of refusing the newest.</b> Before its first message nobody can tell the
 * owner from a stranger. Refusing newcomers at the cap would let a few hundred idle sockets lock
 * the owner out for as long as the flood lasts; evicting always admits the newcomer. A legitimate
 * client sends its hello within one round trip, and from then on only connections that also spoke
 * can displace it, so idle strangers, however many, only ever evict each other. Connections that
 * never speak are also dropped by the {@link Handshake#stepTimeout() step timeout}; the cap bounds
 * what they can hold meanwhile (sockets, buffers, handshake state).
 *
 * <p>An evicted handshake fails with {@link AuthFailureException} of reason {@link
 * AuthFailureException.Reason#TIMEOUT timeout} (it was the slowest) and its connection is closed
 * with WebSocket status 1008. A connection that is already closed when offered is not served at
 * all.
 *
 * <p>Thread-safe: one instance serves every connection of a server.
 */
public final class HandshakeAdmission {

  /**
   * The default cap: above a burst of a thousand legitimate clients connecting at once, and at a
   * few KiB of memory per pending connection still small next to what a flood of idle sockets costs
   * the sender.
   */
  public static final int DEFAULT_MAX_PENDING = 1024;

  private final Handshake handshake;
  private final int maxPending;
  private final Object lock = new Object();
  // Guarded by lock; each in arrival order, oldest first.
  private final LinkedHashSet<Pending> silent = new LinkedHashSet<>();
  private final LinkedHashSet<Pending> spoken = new LinkedHashSet<>();
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
   * Admits {@code connection} (evicting a pending one if the cap is reached, see above) and serves
   * it with {@link Handshake#serve}.
   *
   * @return the session, or the handshake's failure; {@link AuthFailureException} with reason
   *     {@code timeout} if this connection was evicted for a newer one, {@code protocol} if it was
   *     closed before it was admitted
   */
  public CompletableFuture<Session> serve(
      Connection connection, Identity identity, TrustedPeers trustedPeers, PairingGate pairing) {
    Objects.requireNonNull(connection, "connection");
    if (!connection.isOpen()) {
      return CompletableFuture.failedFuture(
          HandshakeMessages.protocol("connection closed before its handshake began"));
    }
    Pending admitted = new Pending(connection);
    Pending victim;
    synchronized (lock) {
      victim = pending() >= maxPending ? evictOne() : null;
      silent.add(admitted);
    }
    if (victim != null) {
      evicted.incrementAndGet();
      victim.connection.close(HandshakeIo.POLICY_VIOLATION, "");
    }
    CompletableFuture<Session> served;
    try {
      served = handshake.serve(connection, identity, trustedPeers, pairing, () -> spoke(admitted));
    } catch (RuntimeException e) {
      served = CompletableFuture.failedFuture(e);
    }
    return served.handle(
        (session, failure) -> {
          if (failure == null) {
            session
                .connection()
                .firstMessageOpened()
                .whenComplete((ignored, error) -> leave(admitted));
            return session;
          }
          leave(admitted);
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

  // Under lock.
  private Pending evictOne() {
    LinkedHashSet<Pending> from = silent.isEmpty() ? spoken : silent;
    Iterator<Pending> oldest = from.iterator();
    Pending victim = oldest.next();
    oldest.remove();
    victim.evicted = true;
    return victim;
  }

  private void spoke(Pending pending) {
    synchronized (lock) {
      if (silent.remove(pending)) {
        spoken.add(pending);
      }
    }
  }

  private void leave(Pending pending) {
    synchronized (lock) {
      if (!silent.remove(pending)) {
        spoken.remove(pending);
      }
    }
  }

  /**
   * How many connections are pending now: in their handshake, or authenticated but without an
   * opened first frame yet.
   */
  public int pending() {
    synchronized (lock) {
      return silent.size() + spoken.size();
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

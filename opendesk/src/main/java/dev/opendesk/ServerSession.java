package dev.opendesk;

import dev.opendesk.auth.Session;
import dev.opendesk.peer.CallInterceptor;
import dev.opendesk.peer.CallOutcome;
import dev.opendesk.peer.InterceptedCall;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.Push;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection of an {@link OpendeskServer} after its handshake: the peer serving it, what is
 * known about the remote, and its inbound calls in flight (counted through a {@link
 * CallInterceptor} on its dispatcher, so a graceful shutdown can wait for them). Thread-safe.
 */
final class ServerSession implements CallInterceptor {

  final Session session;
  final String remoteAddress;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean draining;
  private volatile Peer peer;
  private volatile SessionInfo info;
  private volatile String closeReason;
  // Completes once its HELLO is sent and its peer started: only then may anything else go out on
  // it. Fails if the session closes first.
  private final CompletableFuture<Void> open = new CompletableFuture<>();

  ServerSession(Session session, String remoteAddress) {
    this.session = session;
    this.remoteAddress = remoteAddress;
  }

  void peer(Peer peer) {
    this.peer = peer;
  }

  Peer peer() {
    return peer;
  }

  /** Its HELLO was sent and its peer started. */
  void opened() {
    open.complete(null);
  }

  /** The session closed, perhaps before it opened. */
  void closed() {
    open.completeExceptionally(new IllegalStateException("session closed before it opened"));
  }

  /**
   * Sends a PUSH now if the session is open, else right after its HELLO. If it closes before that,
   * the future completes ({@code skipIfClosed}) or fails with {@link ConnectionClosedException}.
   */
  CompletableFuture<Void> pushOnceOpen(String topic, Map<String, ?> payload, boolean skipIfClosed) {
    if (isOpen()) {
      return peer.push(topic, payload);
    }
    return open.handle((v, closedFirst) -> closedFirst)
        .thenCompose(
            closedFirst -> {
              if (closedFirst == null) {
                return peer.push(topic, payload);
              }
              return skipIfClosed
                  ? CompletableFuture.<Void>completedFuture(null)
                  : CompletableFuture.<Void>failedFuture(OpendeskServer.notOpen(info));
            });
  }

  /** Whether {@link #opened()} was called: pushes may go out. */
  private boolean isOpen() {
    return open.isDone() && !open.isCompletedExceptionally();
  }

  /** The session became ready. */
  SessionInfo ready(String name) {
    SessionInfo ready =
        new SessionInfo(
            session.remotePublicKey(),
            session.remoteFingerprint(),
            name,
            remoteAddress,
            Instant.now(),
            session.isPairing());
    info = ready;
    return ready;
  }

  /** What is known once ready, or {@code null} before. */
  SessionInfo info() {
    return info;
  }

  /**
   * Tells the remote it is evicted, then closes the session once the push was written. A session
   * still sending its HELLO gets the push once it has opened: closed without it, the remote would
   * take the close for a dropped connection and reconnect.
   */
  CompletableFuture<Void> evict(String reason) {
    closeReason = "evicted: " + reason;
    Peer p = peer;
    return tellEvicted(reason).handle((v, e) -> null).thenRun(p::close);
  }

  private CompletableFuture<Void> tellEvicted(String reason) {
    return pushOnceOpen(Push.SESSION_EVICTED, Map.of("reason", reason), true);
  }

  /**
   * Sends {@code session.evicted} and returns a future that completes when the push went out (or
   * failed) and no inbound call is in flight any more; the session stays open meanwhile.
   */
  CompletableFuture<Void> drain(String reason) {
    closeReason = "evicted: " + reason;
    draining = true;
    CompletableFuture<Void> told = tellEvicted(reason).handle((v, e) -> null);
    if (inFlight.get() == 0) {
      drained.complete(null);
    }
    return told.thenCombine(drained, (a, b) -> null);
  }

  String closeReason(Throwable cause) {
    String reason = closeReason;
    if (reason != null) {
      return reason;
    }
    return cause == null ? "connection closed" : "connection failed: " + cause.getMessage();
  }

  @Override
  public void before(InterceptedCall call, Map<String, Object> params) {
    inFlight.incrementAndGet();
  }

  @Override
  public void completed(InterceptedCall call, CallOutcome outcome) {
    if (inFlight.decrementAndGet() == 0 && draining) {
      drained.complete(null);
    }
  }
}

package dev.opendesk.peer;

import dev.opendesk.protocol.Push;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A peer's inbound PUSH side: the {@code onPush} registrations, their serial delivery on the
 * handler executor, and the eviction reason recorded from a {@code session.evicted} push.
 *
 * <p>Thread-safe: registrations may be added and removed from any thread while the receive loop
 * delivers; {@link #onPushFrame} is called by the receive loop only.
 */
final class PushRegistry {

  private final String peerName;
  private final BooleanSupplier peerClosed;
  private final SerialExecutor pushExecutor;
  private final CopyOnWriteArrayList<PushRegistration> handlers = new CopyOnWriteArrayList<>();
  private volatile String evictionReason;

  /**
   * @param peerName the owning peer's name, for logs
   * @param peerClosed whether the owning peer closed: deliveries already queued then stop
   * @param executor the handler executor; deliveries run on it one at a time, in arrival order
   */
  PushRegistry(String peerName, BooleanSupplier peerClosed, Executor executor) {
    this.peerName = peerName;
    this.peerClosed = peerClosed;
    this.pushExecutor = new SerialExecutor(executor);
  }

  /**
   * Registers {@code handler} for {@code topic}, or for every topic when {@code topic} is null.
   *
   * @return removes the registration (idempotent)
   */
  Runnable register(String topic, Consumer<Push> handler) {
    PushRegistration registration = new PushRegistration(topic, handler);
    handlers.add(registration);
    return () -> handlers.remove(registration);
  }

  /** Records an eviction and queues the push for every matching registration. */
  void onPushFrame(Push push) {
    if (Push.SESSION_EVICTED.equals(push.topic())) {
      Object reason = push.payload().get("reason");
      evictionReason = reason instanceof String s ? s : "";
      SessionLink.LOG.info("{}: session evicted by the remote peer", peerName);
    }
    for (PushRegistration registration : handlers) {
      if (registration.topic == null || registration.topic.equals(push.topic())) {
        pushExecutor.execute(() -> registration.deliver(push));
      }
    }
  }

  /** Why the remote evicted the session, or {@code null} if it did not. */
  String evictionReason() {
    return evictionReason;
  }

  /** Drops deliveries not yet started (the peer is closing). */
  void clear() {
    pushExecutor.clear();
  }

  private final class PushRegistration {
    final String topic;
    final Consumer<Push> handler;

    PushRegistration(String topic, Consumer<Push> handler) {
      this.topic = topic;
      this.handler = handler;
    }

    void deliver(Push push) {
      // A delivery queued before the peer closed or the registration was removed must not run.
      if (peerClosed.getAsBoolean() || !handlers.contains(this)) {
        return;
      }
      try {
        handler.accept(push);
      } catch (RuntimeException e) {
        SessionLink.LOG.warn("{}: push handler for {} failed", peerName, push.topic(), e);
      }
    }
  }
}

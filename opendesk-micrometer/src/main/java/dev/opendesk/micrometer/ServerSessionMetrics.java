package dev.opendesk.micrometer;

import dev.opendesk.HandshakeEvent;
import dev.opendesk.ServerListener;
import dev.opendesk.SessionInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts a server's sessions (open now, opened, closed) and passes its handshakes on to be timed.
 * Thread-safe.
 */
final class ServerSessionMetrics implements ServerListener {

  static final String ACTIVE_SESSIONS = "opendesk.sessions.active";
  static final String OPENED = "opendesk.sessions.opened";
  static final String CLOSED = "opendesk.sessions.closed";

  private final AtomicLong open = new AtomicLong();
  private final Counter opened;
  private final Counter closed;
  private final Consumer<HandshakeEvent> handshakes;

  ServerSessionMetrics(MeterRegistry registry, Consumer<HandshakeEvent> handshakes) {
    this.handshakes = handshakes;
    Gauge.builder(ACTIVE_SESSIONS, open, AtomicLong::get)
        .description("Open sessions")
        .tag("side", "server")
        .strongReference(true)
        .register(registry);
    this.opened =
        Counter.builder(OPENED)
            .description("Sessions opened")
            .tag("side", "server")
            .register(registry);
    this.closed =
        Counter.builder(CLOSED)
            .description("Sessions closed")
            .tag("side", "server")
            .register(registry);
  }

  @Override
  public void sessionOpened(SessionInfo session) {
    open.incrementAndGet();
    opened.increment();
  }

  @Override
  public void sessionClosed(SessionInfo session, String reason) {
    open.decrementAndGet();
    closed.increment();
  }

  @Override
  public void handshakeFinished(HandshakeEvent event) {
    handshakes.accept(event);
  }
}

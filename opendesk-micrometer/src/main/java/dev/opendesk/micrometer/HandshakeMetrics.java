package dev.opendesk.micrometer;

import dev.opendesk.HandshakeEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.Consumer;

/**
 * Times handshakes by side and result. The results are the library's own fixed set ({@link
 * HandshakeEvent#result()}). Thread-safe.
 */
final class HandshakeMetrics {

  static final String HANDSHAKES = "opendesk.handshakes";

  private final MeterRegistry registry;

  HandshakeMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  Consumer<HandshakeEvent> server() {
    return event -> record("server", event);
  }

  Consumer<HandshakeEvent> client() {
    return event -> record("client", event);
  }

  private void record(String side, HandshakeEvent event) {
    Timer.builder(HANDSHAKES)
        .description("Finished handshakes by result, with their duration")
        .tag("side", side)
        .tag("result", event.result())
        .register(registry)
        .record(event.duration());
  }
}

package dev.opendesk.micrometer;

import dev.opendesk.protocol.Connection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The sent and received byte counters of one side, and the connections that add to them. */
final class ByteCounters {

  static final String SENT = "opendesk.bytes.sent";
  static final String RECEIVED = "opendesk.bytes.received";

  private final Counter sent;
  private final Counter received;

  ByteCounters(MeterRegistry registry, String side) {
    this.sent = counter(registry, SENT, "Bytes of messages the transport took to send", side);
    this.received = counter(registry, RECEIVED, "Bytes of messages received", side);
  }

  private static Counter counter(
      MeterRegistry registry, String name, String description, String side) {
    return Counter.builder(name)
        .description(description)
        .baseUnit("bytes")
        .tag("side", side)
        .register(registry);
  }

  /** {@code connection}, adding the size of every message it sends and receives. */
  Connection counting(Connection connection) {
    return new ByteCountingConnection(connection, sent, received);
  }
}

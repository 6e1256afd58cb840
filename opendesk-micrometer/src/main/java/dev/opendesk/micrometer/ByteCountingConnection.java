package dev.opendesk.micrometer;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ForwardingConnection;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Connection} that adds the size of each message to a counter once the transport took it
 * (sent) or delivered it (received). It returns the delegate's own futures, so backpressure,
 * ordering and failures are exactly the delegate's; the counting runs as a dependent action of each
 * future. Everything else (closing with a status included) is forwarded. Thread-safe as the
 * delegate is.
 */
final class ByteCountingConnection extends ForwardingConnection {

  private final Counter sent;
  private final Counter received;

  ByteCountingConnection(Connection delegate, Counter sent, Counter received) {
    super(delegate);
    this.sent = sent;
    this.received = received;
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    int size = message.length;
    CompletableFuture<Void> taken = delegate.send(message);
    taken.thenRun(() -> sent.increment(size));
    return taken;
  }

  @Override
  public CompletableFuture<byte[]> receive() {
    CompletableFuture<byte[]> next = delegate.receive();
    next.thenAccept(message -> received.increment(message.length));
    return next;
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}

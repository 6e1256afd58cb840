package dev.opendesk.auth;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ForwardingConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A connection decorator that records every message sent through it. */
final class RecordingConnection extends ForwardingConnection {

  private final List<byte[]> sent = new ArrayList<>();
  private final List<Integer> closeStatuses = new ArrayList<>();

  RecordingConnection(Connection inner) {
    super(inner);
  }

  synchronized List<byte[]> sent() {
    return List.copyOf(sent);
  }

  /** The statuses of every {@link #close(int, String)} call, in order. */
  synchronized List<Integer> closeStatuses() {
    return List.copyOf(closeStatuses);
  }

  @Override
  public void close(int status, String reason) {
    synchronized (this) {
      closeStatuses.add(status);
    }
    delegate.close(status, reason);
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    synchronized (this) {
      sent.add(message.clone());
      return delegate.send(message);
    }
  }
}

package dev.opendesk.auth;

import dev.opendesk.protocol.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A connection decorator that records every message sent through it. */
final class RecordingConnection implements Connection {

  private final Connection inner;
  private final List<byte[]> sent = new ArrayList<>();

  RecordingConnection(Connection inner) {
    this.inner = inner;
  }

  synchronized List<byte[]> sent() {
    return List.copyOf(sent);
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    synchronized (this) {
      sent.add(message.clone());
      return inner.send(message);
    }
  }

  @Override
  public CompletableFuture<byte[]> receive() {
    return inner.receive();
  }

  @Override
  public void close() {
    inner.close();
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return inner.closeFuture();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }
}

package dev.opendesk.protocol.testing;

import dev.opendesk.protocol.Connection;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Connection} decorator that forwards every call to another connection; test decorators
 * (recording, fault injection, overlap detection) override only what they change. Thread-safe as
 * far as the delegate is.
 */
public abstract class ForwardingConnection implements Connection {

  /** The connection every call goes to. */
  protected final Connection delegate;

  protected ForwardingConnection(Connection delegate) {
    this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    return delegate.send(message);
  }

  @Override
  public CompletableFuture<byte[]> receive() {
    return delegate.receive();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public void close(int status, String reason) {
    delegate.close(status, reason);
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return delegate.closeFuture();
  }

  @Override
  public boolean isOpen() {
    return delegate.isOpen();
  }
}

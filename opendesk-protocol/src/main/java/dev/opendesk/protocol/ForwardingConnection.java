package dev.opendesk.protocol;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Connection} decorator that forwards every call to another connection: a decorator (one
 * that records, shows or changes messages) overrides only what it changes. Thread-safe as far as
 * the delegate is and the overrides are.
 */
public abstract class ForwardingConnection implements Connection {

  /** The connection every call goes to. */
  protected final Connection delegate;

  /** A decorator of {@code delegate}. */
  protected ForwardingConnection(Connection delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
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

package dev.opendesk.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The future of {@link Connection#receive()} for a transport that implements the callback form
 * {@link Connection#receive(BiConsumer)}: pass it as the receiver and return it, and it completes
 * with the message or fails with the failure. Thread-safe, as every {@code CompletableFuture}.
 */
public final class ReceiveFuture extends CompletableFuture<byte[]>
    implements BiConsumer<byte[], Throwable> {

  /** An incomplete future. */
  public ReceiveFuture() {}

  /** Completes this future with {@code message}, or fails it with {@code failure} if not null. */
  @Override
  public void accept(byte[] message, Throwable failure) {
    if (failure == null) {
      complete(message);
    } else {
      completeExceptionally(failure);
    }
  }
}

package dev.opendesk.protocol;

import java.util.concurrent.CompletableFuture;

/**
 * The one completed send future a transport returns for every message it took at once, instead of a
 * new {@code completedFuture(null)} per send. Sharing it is safe because a completed future only
 * changes through {@code obtrude*}, which this one refuses. Thread-safe (immutable).
 */
final class TakenFuture extends CompletableFuture<Void> {

  /** The shared instance. */
  static final CompletableFuture<Void> TAKEN = new TakenFuture();

  private TakenFuture() {
    super.complete(null);
  }

  /** Refused: every sender shares this future. */
  @Override
  public void obtrudeValue(Void value) {
    throw new UnsupportedOperationException("a shared completed send future cannot be changed");
  }

  /** Refused: every sender shares this future. */
  @Override
  public void obtrudeException(Throwable ex) {
    throw new UnsupportedOperationException("a shared completed send future cannot be changed");
  }
}

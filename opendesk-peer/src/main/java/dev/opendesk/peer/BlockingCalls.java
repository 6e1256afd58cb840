package dev.opendesk.peer;

import dev.opendesk.protocol.Failures;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How a blocking call waits for its future: the rules of {@link Caller#callBlocking}. */
final class BlockingCalls {

  private BlockingCalls() {}

  /**
   * Waits for {@code future} and returns its value; throws what it failed with, unwrapped (a
   * checked failure wrapped in {@link CompletionException}). An interrupt cancels the call (so
   * CANCEL is sent), keeps the thread's interrupt status and throws {@link CallCancelledException}.
   */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new CallCancelledException("interrupted while waiting for a call");
    } catch (ExecutionException e) {
      Throwable cause = Failures.unwrap(e);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new CompletionException(cause);
    }
  }
}

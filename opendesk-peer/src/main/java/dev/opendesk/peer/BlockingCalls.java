package dev.opendesk.peer;

import dev.opendesk.protocol.Failures;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * How a blocking call waits for its future: the rules of {@link Caller#callBlocking}, and the one
 * rule of the receive thread, that it never waits for a result (which only it could read).
 */
final class BlockingCalls {

  // How deeply the thread runs receive loops (an in-process transport nests one peer's loop in the
  // other's): results, receive-path handlers and the stages a result completes run there. Counted
  // once per loop run, not per frame, in a holder the thread keeps: nothing allocated per run.
  private static final ThreadLocal<int[]> RECEIVING = ThreadLocal.withInitial(() -> new int[1]);

  private BlockingCalls() {}

  /** Marks this thread as running a receive loop; pass the result to {@link #leaveReceiveLoop}. */
  static int[] enterReceiveLoop() {
    int[] depth = RECEIVING.get();
    depth[0]++;
    return depth;
  }

  /** Ends what the matching {@link #enterReceiveLoop} began. */
  static void leaveReceiveLoop(int[] depth) {
    depth[0]--;
  }

  /**
   * Refuses to wait, on a thread that runs a receive loop, for a future that is not done: the loop
   * would never read what completes it (the same session's) or would stall every session it serves.
   *
   * @throws IllegalStateException naming what to do instead
   */
  static void refuseOnReceiveThread(CompletableFuture<?> future) {
    if (!future.isDone()) {
      refuseToWaitOnReceiveThread();
    }
  }

  /** As {@link #refuseOnReceiveThread(CompletableFuture)}, for a wait about to begin. */
  static void refuseToWaitOnReceiveThread() {
    if (RECEIVING.get()[0] > 0) {
      throw new IllegalStateException(
          "cannot wait for a call's result on the thread that receives results (it would never"
              + " arrive): run blocking work in an *Async stage (thenApplyAsync, ...) or a handler"
              + " registered with unary, not unaryAsync, or set PeerOptions.callbacksMayBlock");
    }
  }

  /**
   * Waits for {@code future} and returns its value; throws what it failed with, unwrapped (a
   * checked failure wrapped in {@link CompletionException}). An interrupt cancels the call (so
   * CANCEL is sent), keeps the thread's interrupt status and throws {@link CallCancelledException}.
   *
   * @throws IllegalStateException on a thread that runs a receive loop, if the future is not done
   */
  static <T> T await(CompletableFuture<T> future) {
    refuseOnReceiveThread(future);
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

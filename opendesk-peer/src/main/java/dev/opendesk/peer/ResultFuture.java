package dev.opendesk.peer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of a unary call. It may complete on the thread that received the result, so it adds
 * two rules to {@link CompletableFuture}'s: its {@code *Async} stages without an executor run on
 * the peer's handler executor (as do those of every stage derived from it), and waiting for it on a
 * thread that runs a receive loop fails at once instead of deadlocking.
 *
 * <p>Thread-safe.
 */
final class ResultFuture<T> extends CompletableFuture<T> {

  private final Executor asyncExecutor;

  ResultFuture(Executor asyncExecutor) {
    this.asyncExecutor = asyncExecutor;
  }

  @Override
  public Executor defaultExecutor() {
    return asyncExecutor;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new ResultFuture<>(asyncExecutor);
  }

  /**
   * As {@link CompletableFuture#get()}.
   *
   * @throws IllegalStateException on a thread that runs a receive loop, if not done yet
   */
  @Override
  public T get() throws InterruptedException, ExecutionException {
    BlockingCalls.refuseOnReceiveThread(this);
    return super.get();
  }

  /**
   * As {@link CompletableFuture#get(long, TimeUnit)}.
   *
   * @throws IllegalStateException on a thread that runs a receive loop, if not done yet
   */
  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    BlockingCalls.refuseOnReceiveThread(this);
    return super.get(timeout, unit);
  }

  /**
   * As {@link CompletableFuture#join()}.
   *
   * @throws IllegalStateException on a thread that runs a receive loop, if not done yet
   */
  @Override
  public T join() {
    BlockingCalls.refuseOnReceiveThread(this);
    return super.join();
  }
}

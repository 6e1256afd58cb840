package dev.opendesk.peer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The future of a unary call. It may complete on the thread that received the result, so it adds
 * two rules to {@link CompletableFuture}'s: its {@code *Async} stages without an executor run on
 * the peer's handler executor (as do those of every stage derived from it), and waiting for it on a
 * thread that runs a receive loop fails at once instead of deadlocking. A wait first watches the
 * future for a little while ({@link WaitSpin}) where the session's results come fast.
 *
 * <p>The call's own future also tells its {@link Owner} when someone else completes it (the caller
 * cancelling it, say): overriding the completion methods costs nothing per call, where a {@code
 * whenComplete} watcher cost two objects.
 *
 * <p>Thread-safe.
 */
final class ResultFuture<T> extends CompletableFuture<T> {

  /** The call behind a future, told when the caller rather than the call completed it. */
  interface Owner {
    /** The future was completed, cancelled or obtruded through its public methods. */
    void completedByCaller();
  }

  private final Executor asyncExecutor;
  private final WaitSpin waitSpin;
  private final Owner owner;

  /**
   * A call's future, or a stage derived from one.
   *
   * @param waitSpin the session's, or {@code null} for waits that park at once
   * @param owner told of every completion but {@link #deliver}'s, or {@code null} (a derived stage)
   */
  ResultFuture(Executor asyncExecutor, WaitSpin waitSpin, Owner owner) {
    this.asyncExecutor = asyncExecutor;
    this.waitSpin = waitSpin;
    this.owner = owner;
  }

  private void spinBeforeWaiting(long budgetNanos) {
    if (waitSpin != null) {
      waitSpin.spinUntilDone(this, budgetNanos);
    }
  }

  /** Completes the future with the call's outcome, without telling the owner. */
  void deliver(T value, Throwable failure) {
    if (failure == null) {
      super.complete(value);
    } else {
      super.completeExceptionally(failure);
    }
  }

  private boolean toldOwner(boolean changed) {
    if (changed && owner != null) {
      owner.completedByCaller();
    }
    return changed;
  }

  @Override
  public boolean complete(T value) {
    return toldOwner(super.complete(value));
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    return toldOwner(super.completeExceptionally(ex));
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return toldOwner(super.cancel(mayInterruptIfRunning));
  }

  @Override
  public void obtrudeValue(T value) {
    super.obtrudeValue(value);
    toldOwner(true);
  }

  @Override
  public void obtrudeException(Throwable ex) {
    super.obtrudeException(ex);
    toldOwner(true);
  }

  // CompletableFuture's completeAsync completes through an internal method no override sees.
  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
    if (supplier == null || executor == null) {
      throw new NullPointerException();
    }
    executor.execute(
        () -> {
          try {
            complete(supplier.get());
          } catch (Throwable t) {
            completeExceptionally(t);
          }
        });
    return this;
  }

  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
    return completeAsync(supplier, defaultExecutor());
  }

  @Override
  public Executor defaultExecutor() {
    return asyncExecutor;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new ResultFuture<>(asyncExecutor, waitSpin, null);
  }

  /**
   * As {@link CompletableFuture#get()}.
   *
   * @throws IllegalStateException on a thread that runs a receive loop, if not done yet
   */
  @Override
  public T get() throws InterruptedException, ExecutionException {
    BlockingCalls.refuseOnReceiveThread(this);
    spinBeforeWaiting(WaitSpin.MAX_NANOS);
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
    spinBeforeWaiting(unit.toNanos(timeout));
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
    spinBeforeWaiting(WaitSpin.MAX_NANOS);
    return super.join();
  }
}

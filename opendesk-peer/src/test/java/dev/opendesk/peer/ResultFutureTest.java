package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResultFutureTest {

  private final ExecutorService handlers =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "handler-executor"));

  @AfterEach
  void shutDown() {
    handlers.shutdownNow();
  }

  @Test
  void asyncStagesWithoutAnExecutorRunOnTheHandlerExecutorThroughDerivedStages() throws Exception {
    ResultFuture<String> result = new ResultFuture<>(handlers, null, null);
    CompletableFuture<String> where =
        result
            .thenApply(v -> v + "!")
            .thenApplyAsync(v -> v + " on " + Thread.currentThread().getName());
    result.complete("done");
    assertThat(where.get(5, TimeUnit.SECONDS)).isEqualTo("done! on handler-executor");
    assertThat(result.thenApply(v -> v)).isInstanceOf(ResultFuture.class);
  }

  @Test
  void waitingOnTheReceiveThreadFailsAtOnceUnlessAlreadyDone() throws Exception {
    ResultFuture<String> pending = new ResultFuture<>(handlers, null, null);
    ResultFuture<String> done = new ResultFuture<>(handlers, null, null);
    done.complete("here");
    int[] depth = BlockingCalls.enterReceiveLoop();
    try {
      assertThatThrownBy(pending::join)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("thread that receives results");
      assertThatThrownBy(pending::get).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> pending.get(1, TimeUnit.SECONDS))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> BlockingCalls.await(pending))
          .isInstanceOf(IllegalStateException.class);
      assertThat(done.join()).isEqualTo("here");
      assertThat(BlockingCalls.await(done)).isEqualTo("here");
    } finally {
      BlockingCalls.leaveReceiveLoop(depth);
    }
    assertThat(pending.isDone()).as("a refused wait leaves the call alone").isFalse();
    handlers.execute(() -> pending.complete("later"));
    assertThat(pending.get(5, TimeUnit.SECONDS)).isEqualTo("later");
  }

  @Test
  void nestedReceiveLoopsKeepTheMarkUntilTheOutermostEnds() {
    ResultFuture<String> pending = new ResultFuture<>(handlers, null, null);
    int[] outer = BlockingCalls.enterReceiveLoop();
    int[] inner = BlockingCalls.enterReceiveLoop();
    BlockingCalls.leaveReceiveLoop(inner);
    assertThatThrownBy(pending::join).isInstanceOf(IllegalStateException.class);
    BlockingCalls.leaveReceiveLoop(outer);
    pending.complete("x");
    assertThat(pending.join()).isEqualTo("x");
  }

  @Test
  void everyWayTheCallerCanCompleteTheFutureTellsItsOwnerAndDeliveringDoesNot() throws Exception {
    List<Consumer<ResultFuture<String>>> callerCompletions =
        List.of(
            f -> f.complete("mine"),
            f -> f.completeExceptionally(new IllegalStateException("mine")),
            f -> f.cancel(false),
            f -> f.obtrudeValue("mine"),
            f -> f.obtrudeException(new IllegalStateException("mine")),
            f -> f.orTimeout(1, TimeUnit.MILLISECONDS),
            f -> f.completeOnTimeout("late", 1, TimeUnit.MILLISECONDS),
            f -> f.completeAsync(() -> "async"),
            f -> f.completeAsync(() -> "async", handlers));
    for (int i = 0; i < callerCompletions.size(); i++) {
      AtomicInteger told = new AtomicInteger();
      CountDownLatch tellings = new CountDownLatch(1);
      ResultFuture<String> future =
          new ResultFuture<>(
              handlers,
              null,
              () -> {
                told.incrementAndGet();
                tellings.countDown();
              });
      callerCompletions.get(i).accept(future);

      assertThat(tellings.await(5, TimeUnit.SECONDS)).as("completion %d", i).isTrue();
      assertThat(future).as("completion %d", i).isDone();
      assertThat(told).as("completion %d", i).hasValue(1);
    }

    AtomicInteger told = new AtomicInteger();
    ResultFuture<String> delivered = new ResultFuture<>(handlers, null, told::incrementAndGet);
    delivered.deliver("result", null);
    assertThat(delivered.complete("too late")).isFalse();
    assertThat(delivered.cancel(false)).isFalse();
    ResultFuture<String> failed = new ResultFuture<>(handlers, null, told::incrementAndGet);
    failed.deliver(null, new IllegalStateException("remote"));
    assertThat(failed.completeExceptionally(new IllegalStateException("too late"))).isFalse();
    assertThat(told).as("the call's own outcome, then completions that change nothing").hasValue(0);
    assertThat(delivered.join()).isEqualTo("result");
  }
}

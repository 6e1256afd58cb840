package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
    ResultFuture<String> result = new ResultFuture<>(handlers);
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
    ResultFuture<String> pending = new ResultFuture<>(handlers);
    ResultFuture<String> done = new ResultFuture<>(handlers);
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
    ResultFuture<String> pending = new ResultFuture<>(handlers);
    int[] outer = BlockingCalls.enterReceiveLoop();
    int[] inner = BlockingCalls.enterReceiveLoop();
    BlockingCalls.leaveReceiveLoop(inner);
    assertThatThrownBy(pending::join).isInstanceOf(IllegalStateException.class);
    BlockingCalls.leaveReceiveLoop(outer);
    pending.complete("x");
    assertThat(pending.join()).isEqualTo("x");
  }
}

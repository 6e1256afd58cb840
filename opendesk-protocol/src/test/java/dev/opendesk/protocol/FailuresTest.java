package dev.opendesk.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void nestedCompletionAndExecutionWrappersAreStripped() {
    IOException cause = new IOException("lost");

    Throwable wrapped = new CompletionException(new ExecutionException(cause));

    assertThat(Failures.unwrap(wrapped)).isSameAs(cause);
  }

  @Test
  void theFailureOfAFutureChainIsTheOriginalException() {
    IllegalStateException cause = new IllegalStateException("boom");
    CompletableFuture<Object> chained =
        CompletableFuture.failedFuture(cause)
            .thenApply(x -> x)
            .thenCompose(CompletableFuture::completedFuture);

    Throwable seen = chained.handle((value, failure) -> failure).join();

    assertThat(seen).isInstanceOf(CompletionException.class);
    assertThat(Failures.unwrap(seen)).isSameAs(cause);
  }

  @Test
  void aWrapperWithoutACauseIsReturnedAsItIs() {
    CompletionException bare = new CompletionException("no cause", null);

    assertThat(Failures.unwrap(bare)).isSameAs(bare);
  }

  @Test
  void anyOtherThrowableIsReturnedAsItIs() {
    RuntimeException other = new RuntimeException(new IOException("inner"));

    assertThat(Failures.unwrap(other)).isSameAs(other);
  }
}

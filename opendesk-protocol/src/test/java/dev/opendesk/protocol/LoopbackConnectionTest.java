package dev.opendesk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.testing.ConnectionContract;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LoopbackConnectionTest extends ConnectionContract {

  @Override
  protected Ends connect() {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    return new Ends(pair.first(), pair.second());
  }

  @Override
  protected long backpressureBound() {
    return (LoopbackConnection.DEFAULT_CAPACITY + 1) * 64L * 1024;
  }

  @Test
  void sendBeyondCapacityCompletesWhenTheOtherEndReceives() throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair(2);
    assertThat(pair.first().send(new byte[] {0})).isCompleted();
    assertThat(pair.first().send(new byte[] {1})).isCompleted();
    CompletableFuture<Void> third = pair.first().send(new byte[] {2});
    assertThat(third).isNotDone();
    assertThat(await(pair.second().receive())).containsExactly(0);
    assertThat(third).isCompleted();
    assertThat(await(pair.second().receive())).containsExactly(1);
    assertThat(await(pair.second().receive())).containsExactly(2);
    pair.first().close();
  }

  @Test
  void theSharedFutureOfASendTakenAtOnceCannotBeChangedByOneSender() throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair(2);
    CompletableFuture<Void> first = pair.first().send(new byte[] {0});
    CompletableFuture<Void> second = pair.first().send(new byte[] {1});

    assertThat(first.cancel(true)).isFalse();
    assertThat(first.completeExceptionally(new IllegalStateException())).isFalse();
    assertThatThrownBy(() -> first.obtrudeException(new IllegalStateException()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> first.obtrudeValue(null))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(second).isCompletedWithValue(null);
    assertThat(second.thenApply(v -> "next").join()).isEqualTo("next");
    assertThat(await(pair.second().receive())).containsExactly(0);
    pair.first().close();
  }

  @Test
  void zeroCapacityHandsOverOnlyOnReceive() throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair(0);
    CompletableFuture<Void> sent = pair.first().send(new byte[] {9});
    assertThat(sent).isNotDone();
    assertThat(await(pair.second().receive())).containsExactly(9);
    assertThat(sent).isCompleted();
    pair.first().close();
  }

  @Test
  void pendingSendFailsWhenEitherEndCloses() {
    LoopbackConnection.Pair pair = LoopbackConnection.pair(0);
    CompletableFuture<Void> sent = pair.first().send(new byte[] {9});
    pair.second().close();
    assertThatThrownBy(() -> await(sent)).isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void negativeCapacityIsRejected() {
    assertThatThrownBy(() -> LoopbackConnection.pair(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }
}

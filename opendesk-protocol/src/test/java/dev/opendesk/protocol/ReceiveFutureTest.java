package dev.opendesk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ReceiveFutureTest {

  @Test
  void asAReceiverItCompletesWithTheMessageOrFailsWithTheFailure() throws Exception {
    ReceiveFuture received = new ReceiveFuture();
    received.accept(new byte[] {1, 2}, null);
    assertThat(received.get()).containsExactly(1, 2);

    ReceiveFuture failed = new ReceiveFuture();
    ConnectionClosedException closed = new ConnectionClosedException("connection closed");
    failed.accept(null, closed);
    assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class).hasCause(closed);
  }

  @Test
  void theSharedTakenFutureIsDoneAndCannotBeChanged() {
    assertThat(Connection.taken()).isDone().isNotCompletedExceptionally();
    assertThatThrownBy(() -> Connection.taken().obtrudeValue(null))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Connection.taken().obtrudeException(new RuntimeException()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(Connection.taken().complete(null)).isFalse();
  }
}

package dev.opendesk.peer;

import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.Res;
import java.util.concurrent.CompletableFuture;

/**
 * An outbound call awaiting RESes, as the {@link OutboundCallTable} sees it: unary calls and
 * streams alike. Implementations are thread-safe: a RES (receive loop) may race the call's own
 * deadline, its caller and the session's close.
 */
interface OutboundCall {

  /** The call id: the table's key. */
  long id();

  /**
   * A RES with this call's id arrived (receive loop).
   *
   * @return a future the receive loop waits for before reading on (a full stream buffer), or {@code
   *     null} to read on at once; it completes with {@code true} when the completing thread may
   *     carry the loop on itself (a consumer that drained the buffer), {@code false} when the loop
   *     resumes on the handler executor
   */
  CompletableFuture<Boolean> onRes(Res res);

  /** The session closed or its connection was lost: fail with {@code cause} unless finished. */
  void onClose(ConnectionClosedException cause);
}

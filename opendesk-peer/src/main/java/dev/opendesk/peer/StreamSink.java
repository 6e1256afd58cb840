package dev.opendesk.peer;

import dev.opendesk.protocol.ConnectionClosedException;
import java.util.Map;

/**
 * Where a {@link Dispatcher.StreamHandler} writes the items of its stream. The stream ends when the
 * handler returns (cleanly) or throws (with the mapped error); there is no explicit completion.
 *
 * <p>{@link #next} honours the transport's backpressure: it returns once the connection has taken
 * the item, blocking the handler's thread meanwhile, so a handler can never queue items without
 * bound. It is meant to be called by the handler's own thread, one item at a time; concurrent calls
 * are safe but their order is then unspecified.
 */
public interface StreamSink {

  /**
   * Sends one item and waits until the connection has taken it.
   *
   * @param item the item, in the value model of {@link dev.opendesk.protocol.Values}
   * @throws CallCancelledException if the call was cancelled (stop producing: the caller is gone)
   * @throws ConnectionClosedException if the connection closed
   * @throws IllegalArgumentException if the item cannot be encoded; the message names the field
   * @throws IllegalStateException if the stream already ended
   */
  void next(Map<String, ?> item);

  /**
   * Sends one item given as a record or POJO, converted through {@link
   * dev.opendesk.protocol.Values#toMap}; otherwise as {@link #next(Map)}.
   */
  void nextValue(Object item);

  /** Whether the call was cancelled; a cancelled stream accepts no more items. */
  boolean isCancelled();
}

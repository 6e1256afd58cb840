package dev.opendesk.peer;

import java.util.Iterator;
import java.util.concurrent.Flow;

/**
 * The caller's side of a stream call: consume it once, either as a {@link Flow.Publisher} (with
 * real {@code request(n)} backpressure) or as a blocking {@link Iterator}, and close it (e.g. in
 * try-with-resources). Closing before the end, or cancelling the subscription, sends CANCEL.
 *
 * <pre>{@code
 * try (CallStream<Map<String, Object>> items = peer.stream("count", Map.of("to", 10L))) {
 *   while (items.hasNext()) {
 *     System.out.println(items.next());
 *   }
 * }
 * }</pre>
 *
 * <p><b>Backpressure.</b> Each stream buffers at most {@link PeerOptions#streamBufferFrames()}
 * items that its consumer has not taken. When the buffer is full, the peer stops reading the
 * connection until the consumer has drained half of it, so the remote's sends stall (transport
 * backpressure) rather than memory growing without bound. Protocol v1 has no per-stream credit:
 * while one stream's consumer is slow, every other call and stream on the same connection is
 * delayed too. Consume streams promptly, or use separate connections for bulk streams. The
 * iterating thread whose {@code next()} drains the buffer to half reads the connection on itself,
 * for up to 64 frames, with the items it still holds to come back to (no hand-off there and back):
 * meanwhile it is a receiving thread, so results of other calls on the connection may complete on
 * it, and the rules for callbacks on a receiving thread apply (see {@link Peer}).
 *
 * <p><b>Signals.</b> Items arrive in order; then the stream ends cleanly ({@code hasNext()} returns
 * {@code false}, {@code onComplete}) or with an error: the remote's {@link ProtocolException} (or
 * subclass), {@link CallTimeoutException} after the deadline, or {@link
 * dev.opendesk.protocol.ConnectionClosedException}. The iterator throws the error from {@code
 * hasNext()}/{@code next()}; items that arrived before it are delivered first. Subscribers are
 * signalled on the peer's handler executor (or on the thread calling {@code request}).
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, e.g. to abandon a stream another
 * thread is iterating (its {@code hasNext()} then returns {@code false}).
 *
 * @param <T> the item type: {@code Map<String, Object>}, or the type given to a typed stream call
 */
public final class CallStream<T> implements Flow.Publisher<T>, Iterator<T>, AutoCloseable {

  private final OutboundStream<T> stream;

  CallStream(OutboundStream<T> stream) {
    this.stream = stream;
  }

  /**
   * A stream that never started: its first use (subscription or iterator) fails with {@code
   * failure}. For {@link Caller} implementations that refuse a stream before it reaches a peer.
   */
  public static <T> CallStream<T> failed(String method, Throwable failure) {
    return new CallStream<>(OutboundStream.failed(method, failure));
  }

  /**
   * Subscribes the one consumer of this stream; a second subscriber, or one after the iterator was
   * used, gets {@code onError(IllegalStateException)}.
   */
  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    stream.subscribe(subscriber);
  }

  /**
   * Waits for the next item or the end.
   *
   * @return whether an item is available; {@code false} after the clean end or after {@link
   *     #close()}
   * @throws RuntimeException the stream's error (see the class documentation); {@link
   *     CallCancelledException} if the thread is interrupted (the stream is then closed)
   * @throws IllegalStateException if the stream is consumed by a subscriber
   */
  @Override
  public boolean hasNext() {
    return stream.hasNext();
  }

  /**
   * The next item, waiting for it if needed.
   *
   * @throws java.util.NoSuchElementException after the end
   */
  @Override
  public T next() {
    return stream.next();
  }

  /**
   * Ends the consumer's interest: drops buffered items and sends CANCEL if the stream is still
   * open. Idempotent.
   */
  @Override
  public void close() {
    stream.close();
  }
}

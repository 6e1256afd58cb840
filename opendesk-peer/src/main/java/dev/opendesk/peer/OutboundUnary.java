package dev.opendesk.peer;

import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Req;
import dev.opendesk.protocol.Res;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One outbound unary call. State machine: PENDING until exactly one of RES, timeout, the caller
 * completing or cancelling the future, or the peer closing wins; the winner alone touches the
 * future and the wire (a CANCEL for timeout and caller cancellation). A RES that arrives afterwards
 * (it crossed our CANCEL) finds the call gone from the in-flight table and is ignored.
 */
final class OutboundUnary implements OutboundCall, ResultFuture.Owner, Runnable {

  // A field updater rather than an AtomicBoolean: one object less per call.
  private static final AtomicIntegerFieldUpdater<OutboundUnary> DONE =
      AtomicIntegerFieldUpdater.newUpdater(OutboundUnary.class, "done");

  private final SessionLink link;
  private final long id;
  private final String method;
  private final boolean direct;
  // The thread inside start() while it runs, else null: an answer that arrives on it before start()
  // returned (an in-process transport and a receive-path handler answer synchronously) can reach no
  // dependent stage of the caller's yet, so it completes the future here, without a hand-off. Only
  // that thread writes it, and only that thread can find itself equal to it: no race.
  private Thread starter;
  // The outcome handed to the handler executor (run()); written once, before the hand-off.
  private Map<String, Object> outcome;
  private Throwable outcomeFailure;
  private volatile int done;
  private final ResultFuture<Map<String, Object>> future;
  private volatile ScheduledFuture<?> timer;

  /**
   * @param direct whether the future may be completed on the receive loop: only when it never
   *     reaches user code (a blocking call whose caller just waits on it), so no dependent stage
   *     can run on the loop; saves a hop through the handler executor per call
   */
  OutboundUnary(SessionLink link, String method, boolean direct) {
    this.link = link;
    this.id = link.outbound().nextId();
    this.method = method;
    this.direct = direct;
    this.future = link.newResultFuture(this);
  }

  private boolean finish() {
    return DONE.compareAndSet(this, 0, 1);
  }

  @Override
  public long id() {
    return id;
  }

  /**
   * Encodes the REQ, registers the call, sends the REQ and arms the deadline.
   *
   * @return the call's future; failed with {@link IllegalArgumentException} naming the field (and
   *     nothing sent) when {@code params} cannot be encoded
   */
  CompletableFuture<Map<String, Object>> start(Map<String, Object> params, Duration timeout) {
    byte[] req;
    try {
      req = link.encode(Req.unary(id, method, params));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    starter = Thread.currentThread();
    try {
      return send(req, timeout);
    } finally {
      starter = null;
    }
  }

  private CompletableFuture<Map<String, Object>> send(byte[] req, Duration timeout) {
    link.register(this);
    CompletableFuture<Void> sent = link.sendEncoded(req);
    // Most transports take the message at once: skip the callback stage then.
    if (!sent.isDone() || sent.isCompletedExceptionally()) {
      sent.whenComplete(
          (v, failure) -> {
            if (failure != null) {
              onClose(link.sendFailure(failure));
            }
          });
    }
    if (timeout != null) {
      timer = link.schedule(this::onTimeout, timeout);
      if (done != 0) {
        cancelTimer();
      }
    }
    return future;
  }

  /** The caller completed or cancelled the future: if nothing else won yet, abandon the call. */
  @Override
  public void completedByCaller() {
    if (finish()) {
      finishLocally("cancelled by caller");
    }
  }

  /**
   * Completes the future here (the receive thread) unless its stages may block, or it is the timer
   * thread's: that one thread serves every deadline, so it never runs a caller's stage.
   */
  private void complete(Map<String, Object> value, Throwable failure, boolean onReceiveThread) {
    if (direct
        || starter == Thread.currentThread()
        || (onReceiveThread && !link.callbacksMayBlock())) {
      deliver(value, failure);
    } else {
      // This object is the delivery task: no lambda per call.
      outcome = value;
      outcomeFailure = failure;
      link.runAsync(this);
    }
  }

  /** Delivers the outcome on the handler executor. */
  @Override
  public void run() {
    deliver(outcome, outcomeFailure);
  }

  private void deliver(Map<String, Object> value, Throwable failure) {
    future.deliver(value, failure);
  }

  /** A RES for this call arrived (receive loop); never pauses the loop. */
  @Override
  public CompletableFuture<Boolean> onRes(Res res) {
    if (!finish()) {
      return null;
    }
    link.outbound().remove(this);
    cancelTimer();
    if (!res.end()) {
      // A stream item for a unary call: the remote broke the call's contract, not the frame format.
      link.sendCancel(id, "unexpected stream item for a unary call");
      complete(
          null,
          new ProtocolException(
              ErrorInfo.of(ErrorCode.PROTOCOL, "unary call " + method + " got a stream item")),
          true);
    } else if (res.error() != null) {
      complete(null, ProtocolException.from(res.error()), true);
    } else {
      complete(res.result() == null ? Map.of() : res.result(), null, true);
    }
    return null;
  }

  private void onTimeout() {
    if (!finish()) {
      return;
    }
    link.outbound().remove(this);
    link.sendCancel(id, "timeout");
    complete(null, new CallTimeoutException("call " + method + " timed out"), false);
  }

  @Override
  public void onClose(ConnectionClosedException cause) {
    if (!finish()) {
      return;
    }
    link.outbound().remove(this);
    cancelTimer();
    future.deliver(null, cause);
  }

  private void finishLocally(String reason) {
    link.outbound().remove(this);
    cancelTimer();
    link.sendCancel(id, reason);
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }
}

package dev.opendesk.peer;

import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Res;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One outbound unary call. State machine: PENDING until exactly one of RES, timeout, the caller
 * completing or cancelling the future, or the peer closing wins; the winner alone touches the future
 * and the wire (a CANCEL for timeout and caller cancellation). A RES that arrives afterwards (it
 * crossed our CANCEL) finds the call gone from the in-flight table and is ignored.
 */
final class OutboundUnary {

  private final Peer peer;
  private final long id;
  private final String method;
  private final AtomicBoolean done = new AtomicBoolean();
  private final CompletableFuture<Map<String, Object>> future = new CompletableFuture<>();
  private volatile ScheduledFuture<?> timer;

  OutboundUnary(Peer peer, long id, String method) {
    this.peer = peer;
    this.id = id;
    this.method = method;
  }

  long id() {
    return id;
  }

  /** Registers the call, sends the encoded REQ and arms the deadline. */
  CompletableFuture<Map<String, Object>> start(byte[] req, Duration timeout) {
    peer.registerUnary(this);
    // The caller may cancel or complete the future themselves: that abandons the call.
    future.whenComplete((result, failure) -> {
      if (done.compareAndSet(false, true)) {
        finishLocally("cancelled by caller");
      }
    });
    peer.sendEncoded(req).whenComplete((v, failure) -> {
      if (failure != null) {
        onClose(peer.sendFailure(failure));
      }
    });
    if (timeout != null) {
      timer = peer.schedule(this::onTimeout, timeout);
      if (done.get()) {
        cancelTimer();
      }
    }
    return future;
  }

  /** A RES for this call arrived (receive loop). */
  void onRes(Res res) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    peer.unregisterUnary(this);
    cancelTimer();
    if (!res.end()) {
      // A stream item for a unary call: the remote broke the call's contract, not the frame format.
      peer.sendCancel(id, "unexpected stream item for a unary call");
      peer.completeAsync(future, null,
          new ProtocolException(ErrorInfo.of(ErrorCode.PROTOCOL, "unary call " + method + " got a stream item")));
    } else if (res.error() != null) {
      peer.completeAsync(future, null, ProtocolException.from(res.error()));
    } else {
      peer.completeAsync(future, res.result() == null ? Map.of() : res.result(), null);
    }
  }

  private void onTimeout() {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    peer.unregisterUnary(this);
    peer.sendCancel(id, "timeout");
    peer.completeAsync(future, null, new CallTimeoutException("call " + method + " timed out"));
  }

  /** The peer closed or the connection was lost. */
  void onClose(ConnectionClosedException cause) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    peer.unregisterUnary(this);
    cancelTimer();
    future.completeExceptionally(cause);
  }

  private void finishLocally(String reason) {
    peer.unregisterUnary(this);
    cancelTimer();
    peer.sendCancel(id, reason);
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }
}

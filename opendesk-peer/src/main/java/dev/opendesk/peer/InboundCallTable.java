package dev.opendesk.peer;

import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Req;
import dev.opendesk.protocol.Res;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A peer's inbound calls in flight: admission of a REQ (routing, the concurrency limits answered
 * with {@code busy}, call-id reuse), lookup for CANCEL, and release when a call finishes or the
 * peer closes.
 *
 * <p>Thread-safe: {@link #admit} is called by the receive loop only; {@link #finished} from any
 * handler thread and {@link #closeAll} from the closing thread may run concurrently with it.
 */
final class InboundCallTable {

  private final SessionLink link;
  private final Dispatcher dispatcher;
  private final PeerOptions options;
  private final Executor executor;
  private final Peer facade;
  private final byte[] remotePublicKey;
  private final Supplier<Hello> remoteHello;
  private final CallIdMap<InboundCall> calls = new CallIdMap<>();
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicInteger streamCount = new AtomicInteger();

  /**
   * @param facade the peer handlers see through {@link CallContext#peer()}; only handed out, never
   *     called
   * @param remotePublicKey the remote's authenticated key, or {@code null}
   * @param remoteHello the remote HELLO once received
   */
  InboundCallTable(
      SessionLink link,
      Dispatcher dispatcher,
      PeerOptions options,
      Peer facade,
      byte[] remotePublicKey,
      Supplier<Hello> remoteHello) {
    this.link = link;
    this.dispatcher = dispatcher;
    this.options = options;
    this.executor = link.executor();
    this.facade = facade;
    this.remotePublicKey = remotePublicKey;
    this.remoteHello = remoteHello;
  }

  /**
   * Starts a handler for {@code req}, or answers it with an error, or closes the peer on id reuse.
   */
  void admit(Req req) {
    if (calls.get(req.id()) != null) {
      link.protocolViolation("call id " + req.id() + " reused while in flight");
      return;
    }
    Dispatcher.Route route = dispatcher == null ? null : dispatcher.route(req.method());
    if (route == null) {
      answer(
          req, ErrorInfo.of(ErrorCode.CAPABILITY_UNSUPPORTED, "unknown method: " + req.method()));
      return;
    }
    if (!req.stream() && !(route instanceof Dispatcher.UnaryRoute)) {
      answer(
          req,
          ErrorInfo.of(
              ErrorCode.CAPABILITY_UNSUPPORTED,
              "method " + req.method() + " is a stream: call it as one"));
      return;
    }
    if (count.incrementAndGet() > options.maxConcurrentInboundCalls()) {
      count.decrementAndGet();
      answer(
          req,
          ErrorInfo.of(
              ErrorCode.BUSY,
              "too many concurrent calls (limit " + options.maxConcurrentInboundCalls() + ")"));
      return;
    }
    if (req.stream() && streamCount.incrementAndGet() > options.maxConcurrentInboundStreams()) {
      streamCount.decrementAndGet();
      count.decrementAndGet();
      answer(
          req,
          ErrorInfo.of(
              ErrorCode.BUSY,
              "too many concurrent streams (limit " + options.maxConcurrentInboundStreams() + ")"));
      return;
    }
    InboundCall call =
        new InboundCall(link, this, req.id(), req.method(), req.stream(), req.params(), route);
    calls.putIfAbsent(req.id(), call);
    if (!link.isOpen()) {
      // The peer closed after the check above: closeAll may have missed this call.
      call.closeCancel();
      finished(call);
      return;
    }
    if (route.onReceivePath()) {
      // A handler that never blocks: no hand-off there and back.
      call.run();
      return;
    }
    try {
      executor.execute(call);
    } catch (RejectedExecutionException e) {
      call.cancel("handler executor rejected the call");
    }
  }

  private void answer(Req req, ErrorInfo error) {
    link.sendEncoded(
        link.encode(
            req.stream() ? Res.endWithError(req.id(), 0, error) : Res.error(req.id(), error)));
  }

  /** The call in flight with {@code id}, or {@code null}. */
  InboundCall get(long id) {
    return calls.get(id);
  }

  /** Releases {@code call}'s slot (idempotent). */
  void finished(InboundCall call) {
    if (calls.remove(call.callId(), call)) {
      count.decrementAndGet();
      if (call.isStream()) {
        streamCount.decrementAndGet();
      }
    }
  }

  Peer facade() {
    return facade;
  }

  /** A copy of the remote's authenticated key, or {@code null}. */
  byte[] remotePublicKey() {
    return remotePublicKey == null ? null : remotePublicKey.clone();
  }

  Hello remoteHello() {
    return remoteHello.get();
  }

  /** Cancels every call in flight because the peer closed. */
  void closeAll() {
    for (InboundCall call : calls.values()) {
      call.closeCancel();
      finished(call);
    }
  }
}

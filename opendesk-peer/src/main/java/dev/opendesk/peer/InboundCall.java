package dev.opendesk.peer;

import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Res;
import dev.opendesk.protocol.Values;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;

/**
 * One inbound call, unary or stream, from REQ to its final RES.
 *
 * <p>State machine, guarded by {@code lock}: RUNNING → FINISHED. Exactly one final RES leaves per
 * call: whoever moves the call to FINISHED (the handler's result, its failure, or an inbound
 * CANCEL) sends it, and stream items are only sent while RUNNING, under the same lock, so no item
 * can follow the final RES on the wire. When the peer closes, the call is finished without sending.
 */
final class InboundCall implements CallContext, StreamSink, Runnable {

  /** How many items a publisher may have in flight towards the connection. */
  private static final int PUBLISHER_WINDOW = 8;

  /**
   * How many items, and how many of their bytes, an async stream sends in a row on one thread
   * (while the connection takes each at once) before it goes on from the handler executor, leaving
   * the receiving thread to its other frames: about what a socket's send buffer holds.
   */
  static final int ITEMS_PER_TURN = 512;

  static final int BYTES_PER_TURN = 64 * 1024;

  private final SessionLink link;
  private final InboundCallTable table;
  private final long id;
  private final String method;
  private final boolean stream;
  private final Map<String, Object> params;
  private final Dispatcher.Route route;

  private final Object lock = new Object();
  // Guarded by lock.
  private boolean finished;
  private long seq;
  private volatile boolean cancelled;
  // Guarded by lock: the shared-pool thread running the handler, interrupted if the peer closes
  // meanwhile (a user's executor's threads are never interrupted).
  private Thread runner;
  private boolean interruptedOnClose;
  // Created on first use (most calls never look at it), guarded by lock; completed once cancelled.
  private CompletableFuture<Void> cancellation;
  // Guarded by lock: the handler's stage while it is pending, cancelled if the call is.
  private CompletableFuture<?> pendingStage;
  // An async stream's items: pulled by one thread at a time (each turn starts the next one).
  private Iterator<?> items;
  // The encoded size of the last item sent; written by emit, read by the thread that called it.
  private int lastItemBytes;

  InboundCall(
      SessionLink link,
      InboundCallTable table,
      long id,
      String method,
      boolean stream,
      Map<String, Object> params,
      Dispatcher.Route route) {
    this.link = link;
    this.table = table;
    this.id = id;
    this.method = method;
    this.stream = stream;
    this.params = params;
    this.route = route;
  }

  // ------------------------------------------------------------------ running the handler

  /** Runs the handler on this thread: the handler executor's, or the receive path's. */
  @Override
  public void run() {
    boolean interruptible = link.ownsExecutor() && !route.onReceivePath();
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      if (interruptible) {
        runner = Thread.currentThread();
      }
    }
    try {
      runHandler();
    } finally {
      if (interruptible) {
        boolean interrupted;
        synchronized (lock) {
          runner = null;
          interrupted = interruptedOnClose;
        }
        if (interrupted) {
          // Our interrupt was for this handler only: the pool thread goes on to other sessions'
          // work.
          Thread.interrupted();
        }
      }
    }
  }

  private void runHandler() {
    try {
      if (route instanceof Dispatcher.UnaryRoute unary) {
        Object result = unary.handler().handle(this, params);
        if (result instanceof CompletionStage<?> stage) {
          CompletableFuture<?> f = stage.toCompletableFuture();
          if (f.isDone()) {
            // Answered at once (the usual receive-path handler): no stage, no callback.
            finishDone(f);
          } else {
            cancelWithTheCall(f);
            stage.whenComplete(this::finishUnary);
          }
        } else {
          finishUnary(result, null);
        }
      } else if (route instanceof Dispatcher.StreamRoute streamRoute) {
        streamRoute.handler().handle(this, params, this);
        finishStream(null);
      } else if (route instanceof Dispatcher.AsyncStreamRoute asyncStream) {
        items = asyncStream.handler().handle(this, params);
        Objects.requireNonNull(items, "async stream handler returned null instead of an iterator");
        pullItems();
      } else if (route instanceof Dispatcher.PublisherRoute publisherRoute) {
        Flow.Publisher<?> publisher = publisherRoute.handler().handle(this, params);
        Objects.requireNonNull(publisher, "publisher handler returned null");
        publisher.subscribe(new Forwarder());
      }
    } catch (Throwable t) {
      if (stream && !(route instanceof Dispatcher.UnaryRoute)) {
        finishStream(t);
      } else {
        finishUnary(null, t);
      }
      if (t instanceof VirtualMachineError e) {
        throw e;
      }
    }
  }

  private void finishDone(CompletableFuture<?> done) {
    Object value;
    try {
      value = done.join();
    } catch (CompletionException | CancellationException e) {
      finishUnary(null, e);
      return;
    }
    finishUnary(value, null);
  }

  private void finishUnary(Object value, Throwable failure) {
    if (failure == null) {
      Map<String, Object> result;
      try {
        result = toResult(value);
      } catch (RuntimeException e) {
        finishWith(errorRes(internal("handler result could not be converted: " + e.getMessage())));
        return;
      }
      if (stream) {
        // A stream call served by a unary handler: the result is the only item.
        finishWith(result == null ? Res.end(id, 0) : new Res(id, 0, true, result, null));
      } else {
        finishWith(Res.ok(id, result));
      }
    } else {
      logFailure(failure);
      finishWith(errorRes(ErrorMapping.toErrorInfo(failure)));
    }
  }

  private void finishStream(Throwable failure) {
    if (failure != null) {
      logFailure(failure);
    }
    synchronized (lock) {
      if (finished) {
        return;
      }
      finishWith(
          failure == null
              ? Res.end(id, seq)
              : Res.endWithError(id, seq, ErrorMapping.toErrorInfo(failure)));
    }
  }

  private Res errorRes(ErrorInfo error) {
    synchronized (lock) {
      return stream ? Res.endWithError(id, seq, error) : Res.error(id, error);
    }
  }

  /** Sends {@code res} as the final RES unless the call already finished. */
  private void finishWith(Res res) {
    synchronized (lock) {
      if (finished) {
        return;
      }
      finished = true;
      byte[] bytes;
      try {
        bytes = link.encode(res);
      } catch (IllegalArgumentException e) {
        bytes =
            link.encode(
                stream
                    ? Res.endWithError(
                        id, seq, internal("handler result could not be encoded: " + e.getMessage()))
                    : Res.error(
                        id, internal("handler result could not be encoded: " + e.getMessage())));
      }
      // Leave the in-flight table before the caller can see the final RES: a caller may reuse the
      // id as soon as it has the answer, and must not find it still in flight.
      table.finished(this);
      link.sendEncoded(bytes);
    }
  }

  private static ErrorInfo internal(String message) {
    return ErrorInfo.of(ErrorCode.INTERNAL, message);
  }

  private void logFailure(Throwable failure) {
    Throwable t = ErrorMapping.unwrap(failure);
    if (cancelled) {
      SessionLink.LOG.debug("cancelled call {} #{} ended with {}", method, id, t.toString());
    } else if (ErrorMapping.toErrorInfo(t).code().equals(ErrorCode.INTERNAL.wire())
        && !(t instanceof ProtocolException)) {
      // Only unclassified failures are bugs worth a stack trace; the rest are answers.
      SessionLink.LOG.warn("handler of {} #{} failed", method, id, t);
    } else {
      SessionLink.LOG.debug("call {} #{} answered with an error: {}", method, id, t.toString());
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> toResult(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Map<?, ?> map) {
      // forEach with a non-capturing lambda: no key set, wrapper or iterator per result.
      map.forEach(InboundCall::requireStringKey);
      return (Map<String, Object>) map;
    }
    return Values.toMap(value);
  }

  private static void requireStringKey(Object key, Object value) {
    if (!(key instanceof String)) {
      throw new IllegalArgumentException(
          "result keys must be strings, got " + (key == null ? "null" : key.getClass().getName()));
    }
  }

  // ------------------------------------------------------------------ cancellation

  /**
   * An inbound CANCEL: answer {@code cancelled} (unless already finished) and cancel the context.
   */
  void cancel(String reason) {
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      if (!finished) {
        String message =
            reason.isEmpty() ? "cancelled by caller" : "cancelled by caller: " + reason;
        finishWith(errorRes(ErrorInfo.of(ErrorCode.CANCELLED, message)));
      }
    }
    signalCancellation();
  }

  /**
   * The peer closed: finish without sending, cancel the context and interrupt the handler if it
   * runs on the shared pool.
   */
  void closeCancel() {
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      finished = true;
      if (runner != null) {
        interruptedOnClose = true;
        runner.interrupt();
      }
    }
    signalCancellation();
  }

  /**
   * Cancels the handler's pending stage when the call is cancelled; a field rather than an {@link
   * #onCancel} callback, which would cost a future and two stages per asynchronous call.
   */
  private void cancelWithTheCall(CompletableFuture<?> stage) {
    synchronized (lock) {
      if (!cancelled) {
        pendingStage = stage;
        return;
      }
    }
    stage.cancel(false);
  }

  /**
   * Completes the cancellation future, if anyone asked for it, and cancels the handler's pending
   * stage, off the calling (receive) thread.
   */
  private void signalCancellation() {
    CompletableFuture<Void> f;
    CompletableFuture<?> stage;
    synchronized (lock) {
      f = cancellation;
      stage = pendingStage;
      pendingStage = null;
    }
    if (f != null || stage != null) {
      link.runAsync(
          () -> {
            if (stage != null) {
              stage.cancel(false);
            }
            if (f != null) {
              f.complete(null);
            }
          });
    }
  }

  /** The future completed once the call is cancelled; created on first use. */
  private CompletableFuture<Void> cancellation() {
    synchronized (lock) {
      if (cancellation == null) {
        cancellation = new CompletableFuture<>();
        if (cancelled) {
          // Cancelled before anyone asked: signalCancellation() found nothing to complete.
          cancellation.complete(null);
        }
      }
      return cancellation;
    }
  }

  // ------------------------------------------------------------------ CallContext

  @Override
  public String method() {
    return method;
  }

  @Override
  public long callId() {
    return id;
  }

  @Override
  public boolean isStream() {
    return stream;
  }

  @Override
  public byte[] remotePublicKey() {
    return table.remotePublicKey();
  }

  @Override
  public Optional<Hello> remoteHello() {
    return Optional.ofNullable(table.remoteHello());
  }

  @Override
  public Peer peer() {
    return table.facade();
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void onCancel(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    cancellation()
        .thenRun(
            () -> {
              try {
                callback.run();
              } catch (RuntimeException e) {
                SessionLink.LOG.warn("onCancel callback of {} #{} failed", method, id, e);
              }
            });
  }

  // ------------------------------------------------------------------ StreamSink

  @Override
  public void next(Map<String, ?> item) {
    CompletableFuture<Void> sent = emit(item);
    if (!sent.isDone()) {
      try {
        CompletableFuture.anyOf(sent, cancellation()).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CallCancelledException("interrupted while sending an item of " + method);
      } catch (ExecutionException e) {
        // Reported below from the future that failed.
      }
    }
    if (sent.isCompletedExceptionally()) {
      throw new ConnectionClosedException("connection closed while streaming " + method);
    }
    if (!sent.isDone()) {
      throw new CallCancelledException("call " + method + " was cancelled");
    }
  }

  @Override
  public void nextValue(Object item) {
    next(Values.toMap(Objects.requireNonNull(item, "item")));
  }

  /** Sends one item; the future completes when the connection has taken it. */
  @SuppressWarnings("unchecked")
  private CompletableFuture<Void> emit(Map<String, ?> item) {
    Objects.requireNonNull(item, "item");
    synchronized (lock) {
      if (cancelled) {
        throw new CallCancelledException("call " + method + " was cancelled");
      }
      if (finished) {
        throw new IllegalStateException("stream " + method + " has already ended");
      }
      byte[] bytes = link.encode(Res.item(id, seq, toResult(item)));
      seq++;
      lastItemBytes = bytes.length;
      return link.sendEncoded(bytes);
    }
  }

  /**
   * One turn of an async stream: sends items while the connection takes them at once, up to {@link
   * #ITEMS_PER_TURN} or {@link #BYTES_PER_TURN}; the next turn starts where the connection takes
   * the last one if it pushed back, else on the handler executor. Ends the stream when the iterator
   * does, and closes the iterator once no item will be pulled again.
   */
  private void pullItems() {
    while (true) {
      long bytes = 0;
      for (int sent = 0; sent < ITEMS_PER_TURN && bytes < BYTES_PER_TURN; sent++) {
        CompletableFuture<Void> taken;
        try {
          if (cancelled || !items.hasNext()) {
            // The end; once cancelled or closed the final RES went out already, or never will.
            finishStream(null);
            closeItems();
            return;
          }
          Object item = items.next();
          if (item == null) {
            throw new NullPointerException("async stream iterator returned a null item");
          }
          taken = emit(toResult(item));
        } catch (CallCancelledException e) {
          closeItems();
          return;
        } catch (Throwable t) {
          finishStream(t);
          closeItems();
          if (t instanceof VirtualMachineError error) {
            throw error;
          }
          return;
        }
        if (!taken.isDone()) {
          taken.whenComplete((v, failure) -> afterTaken(failure));
          return;
        }
        if (taken.isCompletedExceptionally()) {
          closeItems();
          return;
        }
        bytes += lastItemBytes;
      }
      try {
        link.executor().execute(this::pullItems);
        return;
      } catch (RejectedExecutionException e) {
        // The executor is shutting down with the peer: go on here rather than strand the stream.
      }
    }
  }

  private void afterTaken(Throwable failure) {
    if (failure == null) {
      pullItems();
    } else {
      closeItems();
    }
  }

  private void closeItems() {
    if (items instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        SessionLink.LOG.warn("closing the items of {} #{} failed", method, id, e);
      }
    }
  }

  /** Feeds a publisher's items to the connection, requesting more as the connection takes them. */
  private final class Forwarder implements Flow.Subscriber<Object> {
    private volatile Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      Objects.requireNonNull(s, "subscription");
      if (subscription != null) {
        // Reactive Streams 2.5: one subscription only; a second is cancelled at once.
        s.cancel();
        return;
      }
      subscription = s;
      onCancel(s::cancel);
      s.request(PUBLISHER_WINDOW);
    }

    @Override
    public void onNext(Object item) {
      if (item == null) {
        throw brokenRule("onNext(null)");
      }
      CompletableFuture<Void> sent;
      try {
        sent = emit(toResult(item));
      } catch (CallCancelledException e) {
        return;
      } catch (RuntimeException e) {
        subscription.cancel();
        finishStream(e);
        return;
      }
      sent.whenComplete(
          (v, failure) -> {
            if (failure == null) {
              // Send futures may complete on a transport thread: publisher code runs elsewhere.
              link.runAsync(() -> subscription.request(1));
            } else {
              subscription.cancel();
            }
          });
    }

    @Override
    public void onError(Throwable failure) {
      if (failure == null) {
        throw brokenRule("onError(null)");
      }
      finishStream(failure);
    }

    /**
     * Reactive Streams 2.13: a null signal is thrown back as {@link NullPointerException}, and the
     * subscription counts as cancelled: the call ends with that error.
     */
    private NullPointerException brokenRule(String signal) {
      NullPointerException broken = new NullPointerException("publisher signalled " + signal);
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      finishStream(broken);
      return broken;
    }

    @Override
    public void onComplete() {
      finishStream(null);
    }
  }
}

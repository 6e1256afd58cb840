package dev.opendesk.peer;

import dev.opendesk.protocol.ErrorCode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports one intercepted call's outcome to its {@link CallInterceptor}, exactly once: the first of
 * success, failure or cancellation wins, and the duration runs from this object's creation.
 * Thread-safe.
 */
final class CallCompletion {

  private static final Logger LOG = LoggerFactory.getLogger(CallInterceptor.class);

  private final InterceptedCall call;
  private final CallInterceptor interceptor;
  private final long startNanos = System.nanoTime();
  private final AtomicBoolean reported = new AtomicBoolean();

  CallCompletion(InterceptedCall call, CallInterceptor interceptor) {
    this.call = call;
    this.interceptor = interceptor;
  }

  /** The call ended: with success when {@code failure} is {@code null}. */
  void finished(Throwable failure) {
    if (failure == null) {
      report(CallOutcome.success(elapsed()));
    } else {
      failed(failure);
    }
  }

  void failed(Throwable failure) {
    if (!reported.get()) {
      report(CallOutcome.failure(failure, elapsed()));
    }
  }

  void cancelled() {
    if (!reported.get()) {
      report(new CallOutcome(ErrorCode.CANCELLED.wire(), "call cancelled", elapsed()));
    }
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private void report(CallOutcome outcome) {
    if (!reported.compareAndSet(false, true)) {
      return;
    }
    try {
      interceptor.completed(call, outcome);
    } catch (RuntimeException e) {
      LOG.warn("call interceptor failed on the completion of {}", call.method(), e);
    }
  }
}

package dev.opendesk.peer;

import dev.opendesk.protocol.Push;
import dev.opendesk.protocol.Values;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Caller} whose outbound calls pass through a {@link CallInterceptor}, the calling-side
 * twin of {@link Dispatcher#intercepted}: {@code before} runs ahead of each call and stream (and
 * may deny it, failing it locally without sending anything), {@code completed} reports each unary
 * call's outcome and duration. Stream calls are shown to {@code before} only: their completion is
 * not reported. Pushes and push handlers pass through unchanged.
 *
 * <pre>{@code
 * Caller audited = new InterceptedCaller(peer, peer::remotePublicKey, auditInterceptor);
 * audited.call("echo", Map.of("text", "hi")).join();
 * }</pre>
 *
 * <p>Thread-safe when the delegate is.
 */
public final class InterceptedCaller implements Caller {

  private final Caller delegate;
  private final Supplier<byte[]> remotePublicKey;
  private final CallInterceptor interceptor;

  /**
   * @param remotePublicKey the remote's authenticated key at the time of each call ({@code null}
   *     when unknown)
   */
  public InterceptedCaller(
      Caller delegate, @Nullable Supplier<byte[]> remotePublicKey, CallInterceptor interceptor) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.remotePublicKey = Objects.requireNonNull(remotePublicKey, "remotePublicKey");
    this.interceptor = Objects.requireNonNull(interceptor, "interceptor");
  }

  @Override
  public CompletableFuture<Map<String, Object>> call(
      String method, @Nullable Map<String, ?> params, CallOptions options) {
    CallCompletion done;
    try {
      done = admit(method, false, params);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return observed(delegate.call(method, params, options), done);
  }

  @Override
  public <T> CompletableFuture<T> call(
      String method, @Nullable Object params, Class<T> resultType, CallOptions options) {
    CallCompletion done;
    try {
      done = admit(method, false, params);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return observed(delegate.call(method, params, resultType, options), done);
  }

  @Override
  public CallStream<Map<String, Object>> stream(
      String method, @Nullable Map<String, ?> params, CallOptions options) {
    try {
      admit(method, true, params);
    } catch (RuntimeException e) {
      return new CallStream<>(OutboundStream.failed(method, e));
    }
    return delegate.stream(method, params, options);
  }

  @Override
  public <T> CallStream<T> stream(
      String method, @Nullable Object params, Class<T> itemType, CallOptions options) {
    try {
      admit(method, true, params);
    } catch (RuntimeException e) {
      return new CallStream<>(OutboundStream.failed(method, e));
    }
    return delegate.stream(method, params, itemType, options);
  }

  @Override
  public CompletableFuture<Void> push(String topic, @Nullable Map<String, ?> payload) {
    return delegate.push(topic, payload);
  }

  @Override
  public Peer.Registration onPush(String topic, Consumer<Map<String, Object>> handler) {
    return delegate.onPush(topic, handler);
  }

  @Override
  public <T> Peer.Registration onPush(String topic, Class<T> type, Consumer<T> handler) {
    return delegate.onPush(topic, type, handler);
  }

  @Override
  public Peer.Registration onPush(Consumer<Push> handler) {
    return delegate.onPush(handler);
  }

  /**
   * Runs {@code before}; returns the call's completion, or throws the denial (already reported as
   * the call's outcome).
   */
  private CallCompletion admit(String method, boolean stream, @Nullable Object params) {
    Objects.requireNonNull(method, "method");
    InterceptedCall call =
        new InterceptedCall(
            InterceptedCall.Direction.OUTBOUND, method, stream, remotePublicKey.get());
    CallCompletion done = new CallCompletion(call, interceptor);
    try {
      interceptor.before(call, paramsOf(params));
    } catch (RuntimeException | Error e) {
      done.failed(e);
      throw e;
    }
    return done;
  }

  private static Map<String, Object> paramsOf(@Nullable Object params) {
    if (params == null) {
      return Map.of();
    }
    return Collections.unmodifiableMap(Values.toMap(params));
  }

  private static <T> CompletableFuture<T> observed(CompletableFuture<T> call, CallCompletion done) {
    // The caller keeps the original future, so cancelling it still sends CANCEL.
    call.whenComplete((result, failure) -> done.finished(failure));
    return call;
  }
}

package dev.opendesk.peer;

import java.util.Map;

/**
 * Sees every call before its handler runs and again when it has finished: one mechanism for
 * per-method authorization, audit logs and metrics.
 *
 * <p>On the serving side, {@link Dispatcher#intercepted(CallInterceptor)} wraps a dispatcher's
 * handlers (the {@code opendesk} module's {@code OpendeskServer.Builder.interceptor} does it for
 * every session); on the calling side, the {@code opendesk} module's {@code OpendeskClient} runs
 * the same hooks around each outbound call.
 *
 * <pre>{@code
 * CallInterceptor adminOnly = new CallInterceptor() {
 *   public void before(InterceptedCall call, Map<String, Object> params) {
 *     if (call.method().startsWith("admin.") && !admins.contains(call.remoteFingerprint())) {
 *       throw new PermissionDeniedException("admin methods need an admin peer");
 *     }
 *   }
 *
 *   public void completed(InterceptedCall call, CallOutcome outcome) {
 *     audit.info("{} {} {} in {} ms", call.remoteFingerprint(), call.method(), outcome.code(),
 *         outcome.duration().toMillis());
 *   }
 * };
 * }</pre>
 *
 * <p>For each call that reaches an interceptor, {@link #completed} is called exactly once after
 * {@link #before}, also when {@code before} denied the call, so the two can count calls in flight.
 * Implementations must be thread-safe: calls of many sessions reach them concurrently. Both methods
 * run on the thread that serves (or makes, or completes) the call and should return quickly: for a
 * handler registered with {@code unaryAsync}, and for the completion of an outbound call, that is
 * the peer's receiving thread, so they must not block there. An outbound call's {@code completed}
 * runs as its future completes, so it may run just after the caller has seen the result.
 */
public interface CallInterceptor {

  /**
   * Runs before the call's handler (serving side) or before the call is sent (calling side). To
   * deny the call, throw: {@link PermissionDeniedException} answers it with {@code
   * permission_denied} (any {@link ProtocolException} with its own code; other exceptions map as
   * {@link Dispatcher} describes). A denied call never reaches the handler, or the wire.
   *
   * @param params the call's parameters as received or sent (read-only)
   */
  default void before(InterceptedCall call, Map<String, Object> params) {}

  /**
   * Runs once when the call has finished: answered, failed, denied or cancelled. Whatever it throws
   * is logged and ignored.
   */
  default void completed(InterceptedCall call, CallOutcome outcome) {}
}

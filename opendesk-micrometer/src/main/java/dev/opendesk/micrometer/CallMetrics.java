package dev.opendesk.micrometer;

import dev.opendesk.peer.CallInterceptor;
import dev.opendesk.peer.CallOutcome;
import dev.opendesk.peer.InterceptedCall;
import dev.opendesk.protocol.ErrorCode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Times finished calls by method and outcome, and gauges calls in flight by method. Thread-safe: a
 * map of gauges' counters, Micrometer's meters.
 */
final class CallMetrics implements CallInterceptor {

  static final String CALLS = "opendesk.calls";
  static final String ACTIVE_CALLS = "opendesk.calls.active";
  static final String OTHER_OUTCOME = "other";

  private final MeterRegistry registry;
  private final Map<ActiveKey, AtomicLong> active = new ConcurrentHashMap<>();

  CallMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void before(InterceptedCall call, Map<String, Object> params) {
    inFlight(call).incrementAndGet();
  }

  @Override
  public void completed(InterceptedCall call, CallOutcome outcome) {
    inFlight(call).decrementAndGet();
    Timer.builder(CALLS)
        .description("Finished calls by method and outcome, with their latency")
        .tag("direction", direction(call))
        .tag("method", call.method())
        .tag("kind", call.stream() ? "stream" : "unary")
        .tag("outcome", outcome(call, outcome))
        .register(registry)
        .record(outcome.duration());
  }

  private AtomicLong inFlight(InterceptedCall call) {
    return active.computeIfAbsent(
        new ActiveKey(direction(call), call.method()),
        key -> {
          AtomicLong count = new AtomicLong();
          Gauge.builder(ACTIVE_CALLS, count, AtomicLong::get)
              .description("Calls in flight")
              .tag("direction", key.direction())
              .tag("method", key.method())
              .strongReference(true)
              .register(registry);
          return count;
        });
  }

  private static String direction(InterceptedCall call) {
    return call.direction().name().toLowerCase(Locale.ROOT);
  }

  /**
   * The outcome tag. An inbound call's code is this side's own (its handlers and interceptors chose
   * it); an outbound call's comes from the remote, so only the codes the protocol defines are kept,
   * anything else is {@value #OTHER_OUTCOME}: a peer cannot grow the registry.
   */
  private static String outcome(InterceptedCall call, CallOutcome outcome) {
    String code = outcome.code();
    if (call.direction() == InterceptedCall.Direction.INBOUND
        || outcome.ok()
        || CallOutcome.CONNECTION_CLOSED.equals(code)
        || ErrorCode.fromWire(code).isPresent()) {
      return code;
    }
    return OTHER_OUTCOME;
  }

  private record ActiveKey(String direction, String method) {}
}

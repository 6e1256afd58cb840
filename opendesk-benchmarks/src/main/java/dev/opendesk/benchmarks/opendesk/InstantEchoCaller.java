package dev.opendesk.benchmarks.opendesk;

import dev.opendesk.peer.CallOptions;
import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.Caller;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Push;
import dev.opendesk.protocol.Values;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@link Caller} whose unary calls answer at once with their params, converted as {@link Peer}
 * converts them, and nothing else: what is left of a call through it is the caller-side mapping, so
 * a typed proxy over it measures the proxy's own cost without a connection's noise. Streams and
 * pushes are not supported. Thread-safe.
 */
final class InstantEchoCaller implements Caller {

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<Map<String, Object>> call(
      String method, Map<String, ?> params, CallOptions options) {
    return CompletableFuture.completedFuture((Map<String, Object>) params);
  }

  @Override
  public <T> CompletableFuture<T> call(
      String method, Object params, Class<T> resultType, CallOptions options) {
    return CompletableFuture.completedFuture(Values.fromMap(Values.toMap(params), resultType));
  }

  @Override
  @SuppressWarnings("unchecked")
  public Map<String, Object> callBlocking(String method, Map<String, ?> params) {
    return (Map<String, Object>) params;
  }

  @Override
  public <T> T callBlocking(String method, Object params, Class<T> resultType) {
    return Values.fromMap(Values.toMap(params), resultType);
  }

  @Override
  public CallStream<Map<String, Object>> stream(
      String method, Map<String, ?> params, CallOptions options) {
    throw new UnsupportedOperationException("streams");
  }

  @Override
  public <T> CallStream<T> stream(
      String method, Object params, Class<T> itemType, CallOptions options) {
    throw new UnsupportedOperationException("streams");
  }

  @Override
  public CompletableFuture<Void> push(String topic, Map<String, ?> payload) {
    throw new UnsupportedOperationException("pushes");
  }

  @Override
  public Peer.Registration onPush(String topic, Consumer<Map<String, Object>> handler) {
    throw new UnsupportedOperationException("pushes");
  }

  @Override
  public <T> Peer.Registration onPush(String topic, Class<T> type, Consumer<T> handler) {
    throw new UnsupportedOperationException("pushes");
  }

  @Override
  public Peer.Registration onPush(Consumer<Push> handler) {
    throw new UnsupportedOperationException("pushes");
  }
}

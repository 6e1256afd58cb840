package dev.opendesk.peer;

import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.Push;
import dev.opendesk.protocol.Values;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The calling surface of an opendesk session: calls, blocking calls, streams and pushes to the
 * remote, and handlers for the remote's pushes. {@link Peer} implements it for one connection;
 * other implementations (e.g. a client session that reconnects) offer the same surface over
 * something longer-lived, so code written against {@code Caller} works on any of them.
 *
 * <pre>{@code
 * Caller caller = peer;
 * Map<String, Object> echoed = caller.call("echo", Map.of("text", "hi")).join();
 * try (CallStream<Map<String, Object>> items = caller.stream("count", Map.of("to", 3L))) {
 *   items.forEachRemaining(System.out::println);
 * }
 * }</pre>
 *
 * <p>The methods behave as {@link Peer}'s do (see its class documentation for how calls fail).
 * Parameters and payloads are in the value model of {@link Values}, or records and POJOs converted
 * through it.
 *
 * <p>Implementations are thread-safe: every method may be called from any thread.
 */
public interface Caller {

  /**
   * Calls {@code method} with default options; as {@link #call(String, Map, CallOptions)}.
   *
   * @param params the parameters; {@code null} for none
   */
  default CompletableFuture<Map<String, Object>> call(
      String method, @Nullable Map<String, ?> params) {
    return call(method, params, CallOptions.defaults());
  }

  /**
   * Calls {@code method}.
   *
   * @param params the parameters; {@code null} for none
   * @return the result map ({@code {}} for an empty success); fails with the remote's {@link
   *     ProtocolException} (or subclass), {@link CallTimeoutException}, {@link
   *     ConnectionClosedException}, or {@link IllegalArgumentException} naming the field when
   *     {@code params} cannot be encoded. Cancelling the future sends CANCEL. It may complete on
   *     the thread that received the result: stages attached without an executor must not block
   *     there (see {@link Peer}, "Threads")
   */
  CompletableFuture<Map<String, Object>> call(
      String method, @Nullable Map<String, ?> params, CallOptions options);

  /**
   * Calls {@code method} with typed parameters and result and default options; as {@link
   * #call(String, Object, Class, CallOptions)}.
   */
  default <T> CompletableFuture<T> call(
      String method, @Nullable Object params, Class<T> resultType) {
    return call(method, params, resultType, CallOptions.defaults());
  }

  /**
   * Calls {@code method} with typed parameters and result, converted through {@link Values}.
   *
   * @param params a record, POJO or map, or {@code null} for none
   * @param resultType what the result map converts to; a result that does not fit fails the future
   *     with {@link IllegalArgumentException}
   */
  <T> CompletableFuture<T> call(
      String method, @Nullable Object params, Class<T> resultType, CallOptions options);

  /**
   * Calls {@code method} with default options and waits for the result.
   *
   * @throws ProtocolException for the remote's error (or a subclass), {@link CallTimeoutException},
   *     {@link ConnectionClosedException}, {@link CallCancelledException} if the thread is
   *     interrupted (the call is then cancelled)
   */
  default Map<String, Object> callBlocking(String method, @Nullable Map<String, ?> params) {
    return BlockingCalls.await(call(method, params, CallOptions.defaults()));
  }

  /** As {@link #callBlocking(String, Map)}, typed as {@link #call(String, Object, Class)}. */
  default <T> T callBlocking(String method, @Nullable Object params, Class<T> resultType) {
    return BlockingCalls.await(call(method, params, resultType, CallOptions.defaults()));
  }

  /** Opens a stream call with default options; as {@link #stream(String, Map, CallOptions)}. */
  default CallStream<Map<String, Object>> stream(String method, @Nullable Map<String, ?> params) {
    return stream(method, params, CallOptions.defaults());
  }

  /**
   * Opens a stream call, consumed once as a {@link java.util.concurrent.Flow.Publisher} or as a
   * blocking iterator; closing it before the end sends CANCEL. A stream that cannot start fails on
   * first use with the reason.
   */
  CallStream<Map<String, Object>> stream(
      String method, @Nullable Map<String, ?> params, CallOptions options);

  /** Opens a typed stream call with default options; as {@link #stream(String, Object, Class)}. */
  default <T> CallStream<T> stream(String method, @Nullable Object params, Class<T> itemType) {
    return stream(method, params, itemType, CallOptions.defaults());
  }

  /** Opens a stream call with typed parameters and items, converted through {@link Values}. */
  <T> CallStream<T> stream(
      String method, @Nullable Object params, Class<T> itemType, CallOptions options);

  /**
   * Sends a PUSH event.
   *
   * @param payload the event data; {@code null} for none
   * @return completes when the connection took the frame; fails with {@link
   *     ConnectionClosedException}, or {@link IllegalArgumentException} naming the field when the
   *     payload cannot be encoded
   */
  CompletableFuture<Void> push(String topic, @Nullable Map<String, ?> payload);

  /**
   * Registers a handler for the remote's PUSH events with {@code topic}; handlers run one at a
   * time, in arrival order.
   *
   * @return closing the registration removes the handler
   */
  Peer.Registration onPush(String topic, Consumer<Map<String, Object>> handler);

  /** Registers a handler for PUSH events with {@code topic}, payloads converted to {@code type}. */
  <T> Peer.Registration onPush(String topic, Class<T> type, Consumer<T> handler);

  /** Registers a handler for PUSH events of every topic. */
  Peer.Registration onPush(Consumer<Push> handler);

  /**
   * A proxy of the typed service interface {@code type} whose methods call the remote through this
   * caller. The interface is validated here, once (the mapping is cached per interface):
   *
   * <ul>
   *   <li>Wire names: {@code prefix.method}, the prefix from {@link ServicePrefix} (default: the
   *       interface's simple name, first letter lower-cased), the method part from {@link WireName}
   *       (default: the Java method name).
   *   <li>Returns: {@code CompletableFuture<R>} or {@code R} (blocking; {@code void} for no result)
   *       for a unary call, {@code CallStream<T>} or {@code Flow.Publisher<T>} for a stream call,
   *       where {@code R} and {@code T} are records, POJOs or {@code Map<String, Object>}.
   *   <li>Parameters: none; one record, POJO or {@code Map} sent as the params map; or values sent
   *       under their names ({@link Param}, or the names {@code javac -parameters} keeps).
   *       Optionally a last {@link CallOptions} parameter ({@code null} for the defaults).
   *   <li>Errors: as for untyped calls; a declared {@link ProtocolException} subclass annotated
   *       with {@link RemoteError} is thrown in place of the plain exception for its code (unary
   *       methods).
   * </ul>
   *
   * <p>Interface default methods run their own body (and may call the others); {@code equals} is
   * identity, {@code hashCode} the identity hash code, {@code toString} names the interface. The
   * proxy is thread-safe.
   *
   * <pre>{@code
   * @ServicePrefix("display")
   * interface Display {
   *   Image capture(Region region);                           // blocking "display.capture"
   *   CompletableFuture<Image> captureAsync(Region region);   // needs @WireName: see WireName
   *   CallStream<Frame> frames(@Param("fps") long fps, CallOptions options);
   * }
   * Display display = peer.service(Display.class);
   * }</pre>
   *
   * @throws IllegalArgumentException naming the interface and method when a method cannot be mapped
   *     (unsupported return type, two methods with one wire name, a parameter without a name, …)
   */
  default <S> S service(Class<S> type) {
    return ServiceProxy.create(this, type);
  }
}

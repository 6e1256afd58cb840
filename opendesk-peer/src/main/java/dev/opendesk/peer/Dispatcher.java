package dev.opendesk.peer;

import dev.opendesk.protocol.Values;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link Peer} serves inbound calls: a fixed table of handlers by method name.
 *
 * <pre>{@code
 * record Range(long from, long to) {}
 * Dispatcher dispatcher = Dispatcher.builder()
 *     .unary("echo", (ctx, params) -> params)
 *     .unary("sum", Range.class, (ctx, range) -> Map.of("sum", (range.from() + range.to()) * (range.to() - range.from() + 1) / 2))
 *     .stream("count", Range.class, (ctx, range, sink) -> {
 *       for (long i = range.from(); i <= range.to(); i++) {
 *         sink.next(Map.of("n", i));
 *       }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>Handlers run on the peer's handler executor, never on its receive loop, so a slow or blocking
 * handler does not stall other calls; only {@link Builder#unaryAsync} and {@link
 * Builder#streamAsync} handlers, which promise never to block, run on the receive path and save
 * that hand-off. What a handler throws is answered with an error code: {@link ProtocolException} →
 * its own code and details; {@link IllegalArgumentException} → {@code invalid_argument}; {@link
 * java.util.NoSuchElementException}, {@link java.io.FileNotFoundException} and {@link
 * java.nio.file.NoSuchFileException} → {@code not_found}; {@link
 * java.util.concurrent.TimeoutException} → {@code timeout}; {@link
 * java.util.concurrent.CancellationException} → {@code cancelled}; {@link SecurityException} →
 * {@code permission_denied}; anything else → {@code internal}, with a message that names the
 * exception type only. A method with no handler is answered with {@code capability_unsupported}; so
 * is a unary call to a stream method. A stream call to a unary method gets the result as its only
 * item.
 *
 * <p>Immutable and thread-safe once built; one dispatcher may serve many peers.
 */
public final class Dispatcher {

  /** Serves a unary call. */
  @FunctionalInterface
  public interface UnaryHandler {
    /**
     * Handles one call.
     *
     * @return the result: a {@code Map<String, ?>}, a record or POJO (converted through {@link
     *     Values#toMap}), {@code null} for an empty success, or a {@link CompletionStage} of one of
     *     those for an asynchronous answer
     * @throws Exception answered with the mapped error code (see {@link Dispatcher})
     */
    @Nullable Object handle(CallContext context, Map<String, Object> params) throws Exception;
  }

  /**
   * Serves a unary call without blocking: it returns at once with a stage of the result (a map,
   * record or POJO, or {@code null} for an empty success), which may complete later on any thread.
   * Registered with {@link Builder#unaryAsync}, it runs on the thread that received the call, with
   * no hand-off to the handler executor; so it must never block, wait or compute for long (that
   * would hold up every other call on the connection). Work that may block belongs in {@link
   * Builder#unary} handlers, or on an executor of the handler's own that completes the stage.
   */
  @FunctionalInterface
  public interface AsyncUnaryHandler {
    /**
     * Starts handling one call.
     *
     * @return the stage of the result, never {@code null}
     * @throws Exception answered with the mapped error code (see {@link Dispatcher}), as is the
     *     stage's failure
     */
    CompletionStage<?> handle(CallContext context, Map<String, Object> params) throws Exception;
  }

  /** An {@link AsyncUnaryHandler} with parameters converted to {@code P}. */
  @FunctionalInterface
  public interface TypedAsyncUnaryHandler<P> {
    /** Starts handling one call; as {@link AsyncUnaryHandler#handle}. */
    CompletionStage<?> handle(CallContext context, P params) throws Exception;
  }

  /** Serves a unary call with parameters converted to {@code P}. */
  @FunctionalInterface
  public interface TypedUnaryHandler<P> {
    /** Handles one call; as {@link UnaryHandler#handle}. */
    Object handle(CallContext context, P params) throws Exception;
  }

  /**
   * Serves a stream call by writing items to the sink; the stream ends cleanly when the handler
   * returns, with the mapped error when it throws.
   */
  @FunctionalInterface
  public interface StreamHandler {
    /** Handles one stream call. */
    void handle(CallContext context, Map<String, Object> params, StreamSink sink) throws Exception;
  }

  /** Serves a stream call with parameters converted to {@code P}. */
  @FunctionalInterface
  public interface TypedStreamHandler<P> {
    /** Handles one stream call; as {@link StreamHandler#handle}. */
    void handle(CallContext context, P params, StreamSink sink) throws Exception;
  }

  /**
   * Serves a stream call without blocking: returns the stream's items (maps, records or POJOs) as
   * an iterator, which the peer pulls one item at a time, as fast as the connection takes them.
   * Registered with {@link Builder#streamAsync}, the handler runs on the thread that received the
   * call, and the iterator's {@code hasNext} and {@code next} on that thread or on the one where
   * the connection took the previous item (a transport thread), with no hand-off to the handler
   * executor; so none of them may block, wait or compute for long (that would hold up every other
   * call on the connection, and on a WebSocket every connection of its event loop). After 512 items
   * or 64 KiB in a row that the connection took at once, the peer goes on from the handler
   * executor, so that a long stream does not keep the receiving thread from other frames.
   *
   * <p>The stream ends cleanly when {@code hasNext} returns {@code false}, and with the mapped
   * error when the handler, {@code hasNext} or {@code next} throws. No item is pulled once the call
   * is cancelled or the connection closed. An iterator that is also {@link AutoCloseable} is closed
   * once the stream ends, however it ends. Work that may block belongs in {@link Builder#stream}
   * handlers.
   */
  @FunctionalInterface
  public interface AsyncStreamHandler {
    /**
     * Starts one stream call.
     *
     * @return the items, never {@code null}; none may be {@code null}
     * @throws Exception answered with the mapped error code (see {@link Dispatcher})
     */
    Iterator<?> handle(CallContext context, Map<String, Object> params) throws Exception;
  }

  /** An {@link AsyncStreamHandler} with parameters converted to {@code P}. */
  @FunctionalInterface
  public interface TypedAsyncStreamHandler<P> {
    /** Starts one stream call; as {@link AsyncStreamHandler#handle}. */
    Iterator<?> handle(CallContext context, P params) throws Exception;
  }

  /**
   * Serves a stream call with a {@link Flow.Publisher} of items (maps, records or POJOs). The peer
   * requests items only as fast as the connection takes them, and cancels the subscription when the
   * call is cancelled.
   */
  @FunctionalInterface
  public interface PublisherHandler {
    /** Returns the publisher of this call's items. */
    Flow.Publisher<?> handle(CallContext context, Map<String, Object> params) throws Exception;
  }

  /** A registered handler, by kind. */
  sealed interface Route permits UnaryRoute, StreamRoute, AsyncStreamRoute, PublisherRoute {
    /** Whether the handler never blocks and so runs on the receive path, with no hand-off. */
    default boolean onReceivePath() {
      return false;
    }
  }

  record UnaryRoute(UnaryHandler handler, boolean onReceivePath) implements Route {
    /** A handler that may block: it runs on the handler executor. */
    UnaryRoute(UnaryHandler handler) {
      this(handler, false);
    }
  }

  record StreamRoute(StreamHandler handler) implements Route {}

  record AsyncStreamRoute(AsyncStreamHandler handler) implements Route {
    @Override
    public boolean onReceivePath() {
      return true;
    }
  }

  record PublisherRoute(PublisherHandler handler) implements Route {}

  private final Map<String, Route> routes;

  private Dispatcher(Map<String, Route> routes) {
    this.routes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
  }

  /** A builder with no handlers. */
  public static Builder builder() {
    return new Builder();
  }

  /** The methods this dispatcher serves, sorted. */
  public Set<String> methods() {
    return Collections.unmodifiableSet(new TreeSet<>(routes.keySet()));
  }

  /**
   * The capability manifest for a HELLO: {@code {"capabilities": [method, …]}}, the convention by
   * which a remote peer learns which methods we serve (it then refuses other calls locally).
   */
  public Map<String, Object> capabilities() {
    List<Object> names = new ArrayList<>(methods());
    return Map.of("capabilities", Collections.unmodifiableList(names));
  }

  /**
   * A dispatcher serving the same methods, with every call seen by {@code interceptor} (see {@link
   * CallInterceptor}): its {@code before} runs ahead of each handler and may deny the call, its
   * {@code completed} reports each call's outcome and duration. Intercepting an intercepted
   * dispatcher nests: the interceptor added last runs its {@code before} first. Calls to methods
   * this dispatcher does not serve are answered as before, without reaching the interceptor.
   */
  public Dispatcher intercepted(CallInterceptor interceptor) {
    Objects.requireNonNull(interceptor, "interceptor");
    Map<String, Route> wrapped = new LinkedHashMap<>();
    routes.forEach(
        (method, route) -> wrapped.put(method, InterceptedRoute.wrap(route, interceptor)));
    return new Dispatcher(wrapped);
  }

  Route route(String method) {
    return routes.get(method);
  }

  /** Builds a {@link Dispatcher}; not thread-safe. */
  public static final class Builder {
    private final Map<String, Route> routes = new LinkedHashMap<>();

    private Builder() {}

    /** Registers a unary handler for {@code method}. */
    public Builder unary(String method, UnaryHandler handler) {
      return add(method, new UnaryRoute(Objects.requireNonNull(handler, "handler")));
    }

    /**
     * Registers a unary handler whose parameters are converted to {@code paramsType} through {@link
     * Values#fromMap}; parameters that do not fit are answered with {@code invalid_argument}.
     */
    public <P> Builder unary(String method, Class<P> paramsType, TypedUnaryHandler<P> handler) {
      Objects.requireNonNull(paramsType, "paramsType");
      Objects.requireNonNull(handler, "handler");
      return add(
          method,
          new UnaryRoute((ctx, params) -> handler.handle(ctx, Values.fromMap(params, paramsType))));
    }

    /**
     * Registers a unary handler that never blocks for {@code method}: it runs on the thread that
     * received the call, saving the hand-off to the handler executor and back (see {@link
     * AsyncUnaryHandler} for what it must not do).
     */
    public Builder unaryAsync(String method, AsyncUnaryHandler handler) {
      Objects.requireNonNull(handler, "handler");
      return add(
          method, new UnaryRoute((ctx, params) -> stageOf(handler.handle(ctx, params)), true));
    }

    /**
     * Registers a unary handler that never blocks, with parameters converted to {@code paramsType};
     * as {@link #unaryAsync(String, AsyncUnaryHandler)}.
     */
    public <P> Builder unaryAsync(
        String method, Class<P> paramsType, TypedAsyncUnaryHandler<P> handler) {
      Objects.requireNonNull(paramsType, "paramsType");
      Objects.requireNonNull(handler, "handler");
      return unaryAsync(
          method, (ctx, params) -> handler.handle(ctx, Values.fromMap(params, paramsType)));
    }

    private static CompletionStage<?> stageOf(CompletionStage<?> stage) {
      return Objects.requireNonNull(stage, "async handler returned null instead of a stage");
    }

    /** Registers a stream handler for {@code method}. */
    public Builder stream(String method, StreamHandler handler) {
      return add(method, new StreamRoute(Objects.requireNonNull(handler, "handler")));
    }

    /** Registers a stream handler whose parameters are converted to {@code paramsType}. */
    public <P> Builder stream(String method, Class<P> paramsType, TypedStreamHandler<P> handler) {
      Objects.requireNonNull(paramsType, "paramsType");
      Objects.requireNonNull(handler, "handler");
      return add(
          method,
          new StreamRoute(
              (ctx, params, sink) ->
                  handler.handle(ctx, Values.fromMap(params, paramsType), sink)));
    }

    /**
     * Registers a stream handler that never blocks for {@code method}: it returns the items as an
     * iterator, pulled on the receiving thread as the connection takes them, with no hand-off to
     * the handler executor (see {@link AsyncStreamHandler} for what it must not do).
     */
    public Builder streamAsync(String method, AsyncStreamHandler handler) {
      return add(method, new AsyncStreamRoute(Objects.requireNonNull(handler, "handler")));
    }

    /**
     * Registers a stream handler that never blocks, with parameters converted to {@code
     * paramsType}; as {@link #streamAsync(String, AsyncStreamHandler)}.
     */
    public <P> Builder streamAsync(
        String method, Class<P> paramsType, TypedAsyncStreamHandler<P> handler) {
      Objects.requireNonNull(paramsType, "paramsType");
      Objects.requireNonNull(handler, "handler");
      return streamAsync(
          method, (ctx, params) -> handler.handle(ctx, Values.fromMap(params, paramsType)));
    }

    /** Registers a stream method served by a {@link Flow.Publisher}. */
    public Builder publisher(String method, PublisherHandler handler) {
      return add(method, new PublisherRoute(Objects.requireNonNull(handler, "handler")));
    }

    /**
     * Registers every method of the typed service interface {@code type} (see {@link
     * Caller#service(Class)} for the mapping), served by {@code implementation}: parameters are
     * converted back to the method's arguments (a field that does not fit is answered with {@code
     * invalid_argument} naming it; a trailing {@link CallOptions} parameter receives {@link
     * CallOptions#defaults()}), and what the method returns or throws is answered as for any
     * handler. A {@code CompletableFuture} result is cancelled when the call is; a stream method's
     * {@link Flow.Publisher} is subscribed with the connection's backpressure. The capabilities
     * list the wire names.
     *
     * @throws IllegalArgumentException naming the interface and method when a method cannot be
     *     mapped, or when a wire name is already registered
     */
    public <S> Builder service(Class<S> type, S implementation) {
      Objects.requireNonNull(implementation, "implementation");
      ServiceContract contract = ServiceContract.of(type);
      if (!type.isInstance(implementation)) {
        throw new IllegalArgumentException(
            implementation.getClass().getName() + " does not implement " + type.getName());
      }
      for (ServiceOperation operation : contract.operations()) {
        if (routes.containsKey(operation.wireName())) {
          throw new IllegalArgumentException(
              type.getName() + ": method already registered: " + operation.wireName());
        }
      }
      for (ServiceOperation operation : contract.operations()) {
        add(operation.wireName(), operation.route(implementation));
      }
      return this;
    }

    private Builder add(String method, Route route) {
      Objects.requireNonNull(method, "method");
      if (method.isEmpty()) {
        throw new IllegalArgumentException("method must not be empty");
      }
      if (routes.putIfAbsent(method, route) != null) {
        throw new IllegalArgumentException("method already registered: " + method);
      }
      return this;
    }

    /** The dispatcher. */
    public Dispatcher build() {
      return new Dispatcher(routes);
    }
  }
}

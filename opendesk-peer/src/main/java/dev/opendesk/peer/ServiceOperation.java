package dev.opendesk.peer;

import com.fasterxml.jackson.databind.JavaType;
import dev.opendesk.protocol.Values;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * One method of a typed service interface mapped to the wire, as {@link ServiceContract} validated
 * it: its wire name, shape, how its arguments become the params map (and back), what its result
 * converts to, and which declared exceptions stand for which error codes. Both sides use it: a
 * proxy {@link #call calls} through a {@link Caller}, a dispatcher {@link #route serves} it with an
 * implementation.
 *
 * <p>Immutable and thread-safe.
 */
final class ServiceOperation {

  /** How the method is called. */
  enum Shape {
    /** Returns {@code CompletableFuture<R>}. */
    ASYNC,
    /** Returns {@code R} (or {@code void}), waiting for the result. */
    BLOCKING,
    /** Returns {@code CallStream<T>} or {@code Flow.Publisher<T>}. */
    STREAM
  }

  /**
   * How arguments map to the params map: none, the single argument as the whole map, or each
   * argument under a name.
   */
  record Params(JavaType wholeType, String[] names, JavaType[] types) {
    static Params none() {
      return new Params(null, new String[0], new JavaType[0]);
    }

    static Params whole(JavaType type) {
      return new Params(type, null, null);
    }

    static Params named(String[] names, JavaType[] types) {
      return new Params(null, names, types);
    }

    int count() {
      return wholeType != null ? 1 : names.length;
    }
  }

  private final Method method;
  private final String wireName;
  private final Shape shape;
  // Null for void results; a Map type is passed through unconverted.
  private final JavaType resultType;
  private final boolean resultIsMap;
  private final Params params;
  private final boolean hasOptions;
  private final Map<String, Constructor<? extends ProtocolException>> errors;

  ServiceOperation(
      Method method,
      String wireName,
      Shape shape,
      JavaType resultType,
      Params params,
      boolean hasOptions,
      Map<String, Constructor<? extends ProtocolException>> errors) {
    this.method = method;
    this.wireName = wireName;
    this.shape = shape;
    this.resultType = resultType;
    this.resultIsMap = resultType != null && resultType.isMapLikeType();
    this.params = params;
    this.hasOptions = hasOptions;
    this.errors = errors;
  }

  String wireName() {
    return wireName;
  }

  Method method() {
    return method;
  }

  Params params() {
    return params;
  }

  // ------------------------------------------------------------------ the caller's side

  /** Calls this operation through {@code caller} with the proxy's arguments. */
  Object call(Caller caller, Object[] args) {
    CallOptions options = optionsOf(args);
    Map<String, Object> request;
    try {
      request = paramsOf(args);
    } catch (IllegalArgumentException e) {
      return failed(e);
    }
    switch (shape) {
      case ASYNC:
        return callAsync(caller, request, options);
      case BLOCKING:
        return callBlocking(caller, request, options);
      case STREAM:
        return resultIsMap
            ? caller.stream(wireName, request, options)
            : caller.stream(wireName, request, resultType.getRawClass(), options);
      default:
        throw new IllegalStateException("unknown shape " + shape);
    }
  }

  private Object failed(IllegalArgumentException e) {
    switch (shape) {
      case ASYNC:
        return CompletableFuture.failedFuture(e);
      case STREAM:
        // As Peer.stream does for parameters that do not encode: the stream fails on first use.
        return new CallStream<>(OutboundStream.failed(wireName, e));
      default:
        throw e;
    }
  }

  private CompletableFuture<?> callAsync(
      Caller caller, Map<String, Object> request, CallOptions options) {
    CompletableFuture<Map<String, Object>> source = caller.call(wireName, request, options);
    if (resultIsMap && errors.isEmpty()) {
      return source;
    }
    // Cancelling the proxy's future cancels the call, as cancelling Peer.call's future does.
    CompletableFuture<Object> out =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            source.cancel(mayInterruptIfRunning);
            return cancelled;
          }
        };
    source.whenComplete(
        (result, failure) -> {
          try {
            if (failure != null) {
              throw declaredFailure(ErrorMapping.unwrap(failure));
            }
            out.complete(resultOf(result));
          } catch (RuntimeException e) {
            out.completeExceptionally(e);
          }
        });
    return out;
  }

  private Object callBlocking(Caller caller, Map<String, Object> request, CallOptions options) {
    Map<String, Object> result;
    try {
      result =
          options == CallOptions.defaults()
              ? caller.callBlocking(wireName, request)
              : BlockingCalls.await(caller.call(wireName, request, options));
    } catch (ProtocolException e) {
      throw declaredFailure(e);
    }
    return resultOf(result);
  }

  private CallOptions optionsOf(Object[] args) {
    if (hasOptions) {
      Object options = args[args.length - 1];
      if (options != null) {
        return (CallOptions) options;
      }
    }
    return CallOptions.defaults();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> paramsOf(Object[] args) {
    if (params.wholeType() != null) {
      Object whole = args[0];
      if (whole instanceof Map<?, ?> map) {
        return (Map<String, Object>) map;
      }
      return Values.toMap(whole);
    }
    String[] names = params.names();
    if (names.length == 0) {
      return Map.of();
    }
    Map<String, Object> request = new LinkedHashMap<>(names.length * 2);
    for (int i = 0; i < names.length; i++) {
      request.put(names[i], valueOf(names[i], args[i]));
    }
    return request;
  }

  /** One argument in the value model: model values as they are, everything else through Jackson. */
  private static Object valueOf(String name, Object arg) {
    if (arg == null
        || arg instanceof String
        || arg instanceof Long
        || arg instanceof Boolean
        || arg instanceof Double
        || arg instanceof byte[]) {
      return arg;
    }
    if (arg instanceof Integer || arg instanceof Short || arg instanceof Byte) {
      return ((Number) arg).longValue();
    }
    if (arg instanceof Float f) {
      // The protocol's floats are float64.
      return f.doubleValue();
    }
    try {
      return Values.mapper().convertValue(arg, Object.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  private Object resultOf(Map<String, Object> result) {
    if (resultType == null) {
      return null;
    }
    if (resultIsMap) {
      return result;
    }
    return Values.mapper().convertValue(result, resultType);
  }

  /** The declared exception for {@code failure}'s error code, or {@code failure} itself. */
  private RuntimeException declaredFailure(Throwable failure) {
    if (failure instanceof ProtocolException remote) {
      Constructor<? extends ProtocolException> declared = errors.get(remote.code());
      if (declared != null) {
        try {
          return declared.newInstance(remote.errorInfo());
        } catch (ReflectiveOperationException | RuntimeException e) {
          remote.addSuppressed(e);
        }
      }
      return remote;
    }
    if (failure instanceof RuntimeException r) {
      return r;
    }
    return new IllegalStateException(failure);
  }

  // ------------------------------------------------------------------ the serving side

  /** The dispatcher route that serves this operation with {@code implementation}. */
  Dispatcher.Route route(Object implementation) {
    if (!method.canAccess(implementation) && !method.trySetAccessible()) {
      throw new IllegalArgumentException(
          method.getDeclaringClass().getName()
              + "."
              + method.getName()
              + " is not accessible to the dev.opendesk.peer module: export or open its package"
              + " to it");
    }
    if (shape == Shape.STREAM) {
      return new Dispatcher.PublisherRoute(
          (context, request) -> (Flow.Publisher<?>) invoke(implementation, argumentsOf(request)));
    }
    return new Dispatcher.UnaryRoute(
        (context, request) -> invoke(implementation, argumentsOf(request)));
  }

  private Object invoke(Object implementation, Object[] arguments) throws Exception {
    try {
      return method.invoke(implementation, arguments);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** The implementation's arguments for a params map; a field that does not fit is named. */
  private Object[] argumentsOf(Map<String, Object> request) {
    Object[] arguments = new Object[params.count() + (hasOptions ? 1 : 0)];
    if (params.wholeType() != null) {
      JavaType type = params.wholeType();
      arguments[0] = type.isMapLikeType() ? request : Values.mapper().convertValue(request, type);
    } else {
      String[] names = params.names();
      JavaType[] types = params.types();
      for (int i = 0; i < names.length; i++) {
        arguments[i] = argumentOf(names[i], types[i], request.get(names[i]));
      }
    }
    if (hasOptions) {
      arguments[arguments.length - 1] = CallOptions.defaults();
    }
    return arguments;
  }

  private static Object argumentOf(String name, JavaType type, Object value) {
    Class<?> raw = type.getRawClass();
    if (value == null) {
      if (raw.isPrimitive()) {
        throw new IllegalArgumentException(name + ": missing");
      }
      return null;
    }
    if (!type.hasGenericTypes() && raw.isInstance(value)) {
      return value;
    }
    try {
      return Values.mapper().convertValue(value, type);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return wireName + " (" + method + ")";
  }
}

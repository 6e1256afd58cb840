package dev.opendesk.peer;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.opendesk.protocol.ErrorInfo;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The validated wire mapping of one typed service interface: every abstract method as a {@link
 * ServiceOperation}, checked once and cached per interface, shared by client proxies and server
 * bindings.
 *
 * <p>Immutable and thread-safe.
 */
final class ServiceContract {

  private static final ClassValue<ServiceContract> CONTRACTS =
      new ClassValue<>() {
        @Override
        protected ServiceContract computeValue(Class<?> type) {
          return new ServiceContract(type);
        }
      };

  /** The codes that already surface as the library's own {@link ProtocolException} subclasses. */
  private static final Set<Class<?>> LIBRARY_EXCEPTIONS =
      Set.of(
          ProtocolException.class,
          PermissionDeniedException.class,
          CapabilityUnsupportedException.class,
          CallCancelledException.class,
          CallTimeoutException.class,
          SessionEvictedException.class);

  private final Class<?> type;
  private final Map<Method, ServiceOperation> byMethod;
  private final List<ServiceOperation> operations;

  private ServiceContract(Class<?> type) {
    if (!type.isInterface() || type.isAnnotation()) {
      throw new IllegalArgumentException(
          type.getName() + " is not an interface: a typed service contract is a Java interface");
    }
    this.type = type;
    String prefix = prefixOf(type);
    Map<Method, ServiceOperation> methods = new HashMap<>();
    Map<String, Method> byWireName = new HashMap<>();
    for (Method method : type.getMethods()) {
      if (!Modifier.isAbstract(method.getModifiers()) || isObjectMethod(method)) {
        continue;
      }
      ServiceOperation operation = operationOf(prefix, method);
      Method clash = byWireName.putIfAbsent(operation.wireName(), method);
      if (clash != null) {
        List<String> both = new ArrayList<>(List.of(signature(clash), signature(method)));
        both.sort(Comparator.naturalOrder());
        throw new IllegalArgumentException(
            type.getName()
                + ": methods "
                + both.get(0)
                + " and "
                + both.get(1)
                + " map to the same wire name "
                + operation.wireName()
                + " (overloads need distinct @WireName values)");
      }
      methods.put(method, operation);
    }
    if (methods.isEmpty()) {
      throw new IllegalArgumentException(type.getName() + " declares no service methods");
    }
    List<ServiceOperation> sorted = new ArrayList<>(methods.values());
    sorted.sort(Comparator.comparing(ServiceOperation::wireName));
    this.byMethod = Map.copyOf(methods);
    this.operations = List.copyOf(sorted);
  }

  /**
   * The contract of {@code type}, validated on first use and cached.
   *
   * @throws IllegalArgumentException naming the interface and method when a method cannot be mapped
   */
  static ServiceContract of(Class<?> type) {
    return CONTRACTS.get(type);
  }

  Class<?> type() {
    return type;
  }

  /** The operations, sorted by wire name. */
  List<ServiceOperation> operations() {
    return operations;
  }

  /** The operation of {@code method}, or {@code null} for a default or {@code Object} method. */
  ServiceOperation operation(Method method) {
    return byMethod.get(method);
  }

  // ------------------------------------------------------------------ names

  private static String prefixOf(Class<?> type) {
    ServicePrefix annotation = type.getAnnotation(ServicePrefix.class);
    if (annotation != null) {
      String prefix = annotation.value();
      if (prefix.endsWith(".")) {
        throw new IllegalArgumentException(
            type.getName() + ": @ServicePrefix(\"" + prefix + "\") must not end with a dot");
      }
      return prefix;
    }
    String name = type.getSimpleName();
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static boolean isObjectMethod(Method method) {
    try {
      Object.class.getMethod(method.getName(), method.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ one method

  private ServiceOperation operationOf(String prefix, Method method) {
    WireName wire = method.getAnnotation(WireName.class);
    String name = wire == null ? method.getName() : wire.value();
    if (name.isEmpty()) {
      throw invalid(method, "@WireName must not be empty");
    }
    String wireName = prefix.isEmpty() ? name : prefix + "." + name;
    if (method.getTypeParameters().length > 0) {
      throw invalid(method, "generic methods are not supported: declare concrete types");
    }
    Parameter[] parameters = method.getParameters();
    int count = parameters.length;
    boolean hasOptions = count > 0 && parameters[count - 1].getType() == CallOptions.class;
    int valueCount = hasOptions ? count - 1 : count;
    for (int i = 0; i < valueCount; i++) {
      if (parameters[i].getType() == CallOptions.class) {
        throw invalid(method, "CallOptions must be the last parameter");
      }
    }
    return new ServiceOperation(
        method,
        wireName,
        shapeOf(method),
        resultTypeOf(method),
        paramsOf(method, parameters, valueCount),
        hasOptions,
        declaredErrors(method));
  }

  private ServiceOperation.Shape shapeOf(Method method) {
    Class<?> raw = method.getReturnType();
    if (raw == CompletableFuture.class) {
      return ServiceOperation.Shape.ASYNC;
    }
    if (raw == CallStream.class || raw == Flow.Publisher.class) {
      return ServiceOperation.Shape.STREAM;
    }
    return ServiceOperation.Shape.BLOCKING;
  }

  /** The type results or items convert to; {@code null} for none (void). */
  private JavaType resultTypeOf(Method method) {
    Class<?> raw = method.getReturnType();
    Type generic = method.getGenericReturnType();
    if (raw == void.class) {
      return null;
    }
    if (raw == CompletableFuture.class || raw == CallStream.class || raw == Flow.Publisher.class) {
      if (!(generic instanceof ParameterizedType parameterized)) {
        throw invalid(
            method,
            "unsupported return type "
                + raw.getSimpleName()
                + " without a type argument: say what it carries, e.g. "
                + raw.getSimpleName()
                + "<Map<String, Object>> or a record");
      }
      Type argument = parameterized.getActualTypeArguments()[0];
      if (raw == CompletableFuture.class && argument == Void.class) {
        return null;
      }
      return resultType(method, argument, raw.getSimpleName() + "<" + argument.getTypeName() + ">");
    }
    return resultType(method, generic, generic.getTypeName());
  }

  /** Results travel as maps: a map, a record or a POJO, never a bare value. */
  private JavaType resultType(Method method, Type type, String described) {
    Class<?> raw = rawClass(type);
    boolean map = raw != null && Map.class.isAssignableFrom(raw);
    if (raw == null || (!map && (isPlainValue(raw) || raw.isInterface()))) {
      throw invalid(
          method,
          "unsupported return type "
              + described
              + ": results travel as maps, so R or T must be a record, a POJO or Map<String, Object>"
              + " (a unary method returns CompletableFuture<R> or R, a stream method CallStream<T>"
              + " or Flow.Publisher<T>)");
    }
    if (map) {
      requireStringKeys(method, type, "return type " + described);
    } else if (type instanceof ParameterizedType) {
      throw invalid(
          method,
          "unsupported return type "
              + described
              + ": generic result types are not supported, declare a record");
    }
    return TypeFactory.defaultInstance().constructType(type);
  }

  private ServiceOperation.Params paramsOf(Method method, Parameter[] parameters, int valueCount) {
    if (valueCount == 0) {
      return ServiceOperation.Params.none();
    }
    JavaType[] types = new JavaType[valueCount];
    for (int i = 0; i < valueCount; i++) {
      Type generic = parameters[i].getParameterizedType();
      if (rawClass(generic) == null) {
        throw invalid(
            method, "parameter " + i + " has type " + generic.getTypeName() + ", not mappable");
      }
      types[i] = TypeFactory.defaultInstance().constructType(generic);
    }
    Parameter only = parameters[0];
    if (valueCount == 1
        && only.getAnnotation(Param.class) == null
        && isWholeParams(only.getType())) {
      if (Map.class.isAssignableFrom(only.getType())) {
        requireStringKeys(method, only.getParameterizedType(), "parameter " + only.getName());
      }
      return ServiceOperation.Params.whole(types[0]);
    }
    String[] names = new String[valueCount];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < valueCount; i++) {
      names[i] = paramName(method, parameters[i], i);
      if (!seen.add(names[i])) {
        throw invalid(method, "two parameters are named " + names[i]);
      }
    }
    return ServiceOperation.Params.named(names, types);
  }

  private String paramName(Method method, Parameter parameter, int index) {
    Param annotation = parameter.getAnnotation(Param.class);
    if (annotation != null) {
      if (annotation.value().isEmpty()) {
        throw invalid(method, "@Param of parameter " + index + " must not be empty");
      }
      return annotation.value();
    }
    if (parameter.isNamePresent()) {
      return parameter.getName();
    }
    throw invalid(
        method,
        "parameter "
            + index
            + " ("
            + parameter.getParameterizedType().getTypeName()
            + ") has no name: annotate it with @Param(\"name\") or compile the interface with"
            + " javac -parameters (a single record, POJO or Map parameter needs no name)");
  }

  /** A single parameter of such a type is the params map itself, not a value under a name. */
  private static boolean isWholeParams(Class<?> type) {
    return Map.class.isAssignableFrom(type) || (!isPlainValue(type) && !type.isInterface());
  }

  /** Types that are one value of the model rather than a map of named fields. */
  private static boolean isPlainValue(Class<?> type) {
    return type.isPrimitive()
        || type.isArray()
        || type.isEnum()
        || type == Object.class
        || type == Optional.class
        || CharSequence.class.isAssignableFrom(type)
        || Number.class.isAssignableFrom(type)
        || type == Boolean.class
        || type == Void.class
        || type == Character.class
        || Collection.class.isAssignableFrom(type)
        || CompletableFuture.class.isAssignableFrom(type)
        || Flow.Publisher.class.isAssignableFrom(type);
  }

  private void requireStringKeys(Method method, Type type, String what) {
    if (type instanceof ParameterizedType parameterized
        && parameterized.getActualTypeArguments()[0] != String.class) {
      throw invalid(method, what + " is " + type.getTypeName() + ": wire maps are keyed by String");
    }
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
      return c;
    }
    return null;
  }

  // ------------------------------------------------------------------ errors

  private Map<String, Constructor<? extends ProtocolException>> declaredErrors(Method method) {
    Map<String, Constructor<? extends ProtocolException>> errors = new HashMap<>();
    for (Class<?> declared : method.getExceptionTypes()) {
      if (!ProtocolException.class.isAssignableFrom(declared)
          || LIBRARY_EXCEPTIONS.contains(declared)) {
        continue;
      }
      RemoteError remote = declared.getAnnotation(RemoteError.class);
      if (remote == null) {
        throw invalid(
            method,
            "declares "
                + declared.getName()
                + " without @RemoteError(\"code\"): the caller cannot tell which error code it"
                + " stands for");
      }
      Constructor<? extends ProtocolException> constructor;
      try {
        constructor = declared.asSubclass(ProtocolException.class).getConstructor(ErrorInfo.class);
      } catch (NoSuchMethodException e) {
        throw invalid(
            method,
            "declares "
                + declared.getName()
                + ", which lacks a public constructor taking ErrorInfo (the caller builds it from"
                + " the wire error)");
      }
      if (errors.putIfAbsent(remote.value(), constructor) != null) {
        throw invalid(method, "declares two exceptions for the error code " + remote.value());
      }
    }
    return Map.copyOf(errors);
  }

  private IllegalArgumentException invalid(Method method, String problem) {
    return new IllegalArgumentException(type.getName() + "." + signature(method) + ": " + problem);
  }

  private static String signature(Method method) {
    StringBuilder out = new StringBuilder(method.getName()).append('(');
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      out.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
    }
    return out.append(')').toString();
  }
}

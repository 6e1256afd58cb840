package dev.opendesk.peer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * The client side of a typed service interface: a {@link Proxy} whose abstract methods call their
 * {@link ServiceOperation} through a {@link Caller}. Default methods run their own body; {@code
 * equals} is identity, {@code hashCode} the identity hash, {@code toString} names the interface and
 * the caller.
 *
 * <p>Thread-safe: holds only immutable state.
 */
final class ServiceProxy implements InvocationHandler {

  private static final Object[] NO_ARGUMENTS = new Object[0];

  private final Caller caller;
  private final ServiceContract contract;

  private ServiceProxy(Caller caller, ServiceContract contract) {
    this.caller = caller;
    this.contract = contract;
  }

  /** A proxy of {@code type} calling through {@code caller}; validates {@code type} first. */
  static <S> S create(Caller caller, Class<S> type) {
    ServiceContract contract = ServiceContract.of(type);
    Object proxy =
        Proxy.newProxyInstance(
            type.getClassLoader(), new Class<?>[] {type}, new ServiceProxy(caller, contract));
    return type.cast(proxy);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    ServiceOperation operation = contract.operation(method);
    if (operation != null) {
      return operation.call(caller, args == null ? NO_ARGUMENTS : args);
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return contract.type().getSimpleName() + " proxy over " + caller;
      default:
        throw new UnsupportedOperationException("not a service method: " + method);
    }
  }
}

package dev.opendesk.peer;

import java.util.Set;

/**
 * Whether a session may send a new call or stream now: open, not evicted, started, and the method
 * listed in the remote's capabilities (when it lists any). A refused call is failed locally and
 * nothing is sent.
 *
 * <p>Thread-safe.
 */
final class CallGate {

  private final SessionLink link;
  private final PushRegistry pushes;
  private final HelloExchange hellos;

  CallGate(SessionLink link, PushRegistry pushes, HelloExchange hellos) {
    this.link = link;
    this.pushes = pushes;
    this.hellos = hellos;
  }

  /** Why a call to {@code method} may not be sent, or {@code null} if it may. */
  RuntimeException refusal(String method) {
    if (link.isClosed()) {
      return link.closedException();
    }
    String evicted = pushes.evictionReason();
    if (evicted != null) {
      return new SessionEvictedException(evicted);
    }
    if (!link.isStarted()) {
      return new IllegalStateException(
          "peer not started: call start() (after the HELLO exchange) before calling");
    }
    Set<String> methods = hellos.remoteMethods();
    if (methods != null && !methods.contains(method)) {
      return new CapabilityUnsupportedException(
          "the remote peer does not list " + method + " in its capabilities");
    }
    return null;
  }
}

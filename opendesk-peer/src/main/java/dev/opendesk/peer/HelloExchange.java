package dev.opendesk.peer;

import dev.opendesk.protocol.CodecException;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Frame;
import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Role;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A peer's HELLO exchange: sending ours, receiving the remote's before the receive loop starts,
 * accepting or rejecting it, and the capability gate set taken from the remote HELLO.
 *
 * <p>Thread-safe: the sent/receiving flags are guarded by the session's state lock (shared so that
 * {@link Peer#start()} and {@link #receive()} cannot both read the connection); the remote HELLO
 * and its method set are volatile.
 */
final class HelloExchange {

  private final SessionLink link;
  private final Object stateLock;
  private final Connection connection;
  private final FrameCodec codec;
  private final Role role;
  private final Dispatcher dispatcher;

  // Guarded by stateLock.
  private boolean receiving;
  private boolean sent;
  private volatile Hello remoteHello;
  private volatile Set<String> remoteMethods;

  HelloExchange(SessionLink link, Role role, Dispatcher dispatcher) {
    this.link = link;
    this.stateLock = link.stateLock();
    this.connection = link.connection();
    this.codec = link.codec();
    this.role = role;
    this.dispatcher = dispatcher;
  }

  /**
   * Sends {@code ours} and receives the remote HELLO at once, so it works over unbuffered
   * transports.
   */
  CompletableFuture<Hello> exchange(Hello ours) {
    requireOurRole(ours);
    CompletableFuture<Hello> received = receive();
    CompletableFuture<Void> sentFuture = send(ours);
    CompletableFuture<Hello> result = new CompletableFuture<>();
    CompletableFuture.allOf(received, sentFuture)
        .whenComplete(
            (v, e) -> {
              if (received.isCompletedExceptionally()) {
                received.whenComplete(
                    (h, failure) -> result.completeExceptionally(ErrorMapping.unwrap(failure)));
              } else if (sentFuture.isCompletedExceptionally()) {
                sentFuture.whenComplete(
                    (h, failure) -> result.completeExceptionally(ErrorMapping.unwrap(failure)));
              } else {
                result.complete(received.join());
              }
            });
    return result;
  }

  private void requireOurRole(Hello ours) {
    Objects.requireNonNull(ours, "ours");
    if (ours.role() != role) {
      throw new IllegalArgumentException(
          "hello.role must be this peer's role " + role + ", got " + ours.role());
    }
  }

  /** Our HELLO, advertising the dispatcher's manifest when there is a dispatcher. */
  Hello defaultHello(String principal, Map<String, Object> auth) {
    return new Hello(
        role, principal, auth, dispatcher == null ? Map.of() : dispatcher.capabilities(), null);
  }

  /** Sends our HELLO only; see {@link Peer#sendHello}. */
  CompletableFuture<Void> send(Hello ours) {
    requireOurRole(ours);
    synchronized (stateLock) {
      if (sent) {
        throw new IllegalStateException("HELLO already sent");
      }
      sent = true;
    }
    if (!link.isOpen()) {
      return CompletableFuture.failedFuture(link.closedException());
    }
    return link.relay(link.sendEncoded(codec.encode(ours)));
  }

  /** Receives the remote HELLO only; see {@link Peer#receiveHello}. */
  CompletableFuture<Hello> receive() {
    synchronized (stateLock) {
      if (link.isStarted()) {
        throw new IllegalStateException(
            "receiveHello() after start(): the receive loop reads the HELLO");
      }
      if (receiving || remoteHello != null) {
        throw new IllegalStateException("the remote HELLO is already being received");
      }
      receiving = true;
    }
    CompletableFuture<Hello> result = new CompletableFuture<>();
    CompletableFuture<byte[]> received;
    try {
      received = connection.receive();
    } catch (RuntimeException e) {
      received = CompletableFuture.failedFuture(e);
    }
    received.whenComplete(
        (message, failure) -> {
          RuntimeException error = null;
          Hello hello = null;
          if (failure != null) {
            error = link.onConnectionFailure(failure);
          } else {
            try {
              Frame frame = codec.decode(message);
              if (frame instanceof Hello h) {
                error = accept(h);
                hello = h;
              } else {
                error =
                    link.protocolViolation(
                        "expected HELLO as the first frame, got " + frame.type());
              }
            } catch (CodecException e) {
              error = link.protocolViolation(e.getMessage());
            }
          }
          synchronized (stateLock) {
            receiving = false;
          }
          link.completeAsync(result, hello, error);
        });
    return result;
  }

  /**
   * Whether the remote HELLO is being received before the loop started; call under the state lock.
   */
  boolean isReceiving() {
    return receiving;
  }

  /** Records the remote HELLO; a rejection closes the peer and is returned as the failure. */
  RuntimeException accept(Hello hello) {
    if (hello.isRejection()) {
      ProtocolException rejection = ProtocolException.from(hello.error());
      SessionLink.LOG.debug(
          "{}: session rejected by the remote: {}", link.name(), rejection.getMessage());
      link.shutdown(rejection);
      return rejection;
    }
    remoteMethods = methodsOf(hello);
    remoteHello = hello;
    return null;
  }

  /** Sends a HELLO carrying {@code error}, then closes the peer; see {@link Peer#reject}. */
  CompletableFuture<Void> reject(ErrorInfo error) {
    Objects.requireNonNull(error, "error");
    CompletableFuture<Void> sentFuture = send(Hello.rejection(role, error));
    CompletableFuture<Void> done = new CompletableFuture<>();
    sentFuture.whenComplete(
        (v, e) -> {
          link.shutdown(null);
          done.complete(null);
        });
    return done;
  }

  /** The remote HELLO, or {@code null} before it arrived. */
  Hello remoteHello() {
    return remoteHello;
  }

  /**
   * The remote's method names when its HELLO lists them under {@code "capabilities"}, else {@code
   * null}: without a list the capability gate lets every call through.
   */
  Set<String> remoteMethods() {
    return remoteMethods;
  }

  private static Set<String> methodsOf(Hello hello) {
    Object listed = hello.capabilities().get("capabilities");
    if (!(listed instanceof Collection<?> names)) {
      return null;
    }
    Set<String> methods = new HashSet<>();
    for (Object n : names) {
      if (n instanceof String s) {
        methods.add(s);
      }
    }
    return Set.copyOf(methods);
  }
}

package dev.opendesk.auth;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.Failures;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One handshake's view of its connection: sends and step-timed receives of handshake messages, with
 * CPU work continued on the handshake executor, and the failure policy (close the connection with
 * WebSocket status 1008, surface a typed {@link AuthFailureException}). Shared by every flavour.
 * Used by one handshake at a time.
 *
 * <p>Work for a connection that has closed meanwhile (evicted, dropped by the peer) is skipped:
 * each server step that prepares a reply starts with {@link #skipIfClosed}. When the executor
 * refuses a step (its queue is full), the connection is closed as overloaded and the step runs
 * where it was submitted, which costs nothing because every step starts with {@link
 * #skipIfOverloaded}: every future still completes, and no work lands on a transport thread.
 */
final class HandshakeIo {

  /** WebSocket close status "policy violation": how a failed handshake closes (PROTOCOL.md). */
  static final int POLICY_VIOLATION = 1008;

  private static final Logger log = LoggerFactory.getLogger(HandshakeIo.class);

  private final Connection connection;
  private final Handshake settings;
  private final Executor executor = this::execute;
  private volatile boolean overloaded;

  HandshakeIo(Connection connection, Handshake settings) {
    this.connection = connection;
    this.settings = settings;
  }

  Connection connection() {
    return connection;
  }

  Handshake settings() {
    return settings;
  }

  /** The handshake executor, as seen by this handshake (see the class documentation). */
  Executor executor() {
    return executor;
  }

  private void execute(Runnable step) {
    try {
      settings.executor().execute(step);
    } catch (RejectedExecutionException e) {
      overloaded = true;
      fail();
      step.run(); // fails at once in skipIfOverloaded
    }
  }

  /**
   * The first thing every CPU step does: fails at once, without doing the step's work, if the
   * executor refused a step of this handshake (its connection is closed then).
   *
   * @throws AuthFailureException {@code timeout}
   */
  void skipIfOverloaded(String step) {
    if (overloaded) {
      throw new AuthFailureException(
          AuthFailureException.Reason.TIMEOUT,
          "the handshake executor is overloaded (its queue is full): " + step + " dropped");
    }
  }

  /**
   * The first thing a server step that prepares a reply does: as {@link #skipIfOverloaded}, and
   * also fails at once if the connection has closed meanwhile (evicted by {@link
   * HandshakeAdmission}, or dropped by the peer), since the reply could not be sent anyway.
   *
   * @throws AuthFailureException {@code timeout} if overloaded, {@code protocol} if closed
   */
  void skipIfClosed(String step) {
    skipIfOverloaded(step);
    if (!connection.isOpen()) {
      throw HandshakeMessages.protocol("connection closed before " + step);
    }
  }

  /** Closes the connection as a failed handshake does: WebSocket status 1008, no reason text. */
  void fail() {
    connection.close(POLICY_VIOLATION, "");
  }

  /** Sends a handshake message; a closed connection fails with {@code protocol}. */
  CompletableFuture<Void> send(byte[] message, String what) {
    CompletableFuture<Void> sent;
    try {
      sent = connection.send(message);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle(
        (ignored, error) -> {
          if (error != null) {
            throw HandshakeMessages.protocol(
                "connection closed before " + what + " was sent", Failures.unwrap(error));
          }
          return null;
        });
  }

  /**
   * Receives and decodes the next handshake message within the step timeout, continuing on the
   * executor. Fails with {@code timeout} if nothing arrives in time, {@code protocol} if the peer
   * closes first or the message is not a v1 handshake map.
   */
  CompletableFuture<Map<String, Object>> receive(String expected) {
    return receive(expected, AuthFailureException.Reason.PROTOCOL);
  }

  /**
   * As {@link #receive(String)}, but a peer that closes first fails with {@code ifClosed}: a
   * pairing v2 client reads a close in reply to its hello as "the server does not speak v2" ({@code
   * unsupported}).
   */
  CompletableFuture<Map<String, Object>> receive(
      String expected, AuthFailureException.Reason ifClosed) {
    CompletableFuture<byte[]> received;
    try {
      received = connection.receive().copy();
    } catch (RuntimeException e) {
      received = CompletableFuture.failedFuture(e);
    }
    long timeoutMillis = settings.stepTimeout().toMillis();
    return received
        .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .handleAsync(
            (bytes, error) -> {
              if (error == null) {
                skipIfOverloaded("decoding " + expected);
              } else {
                Throwable cause = Failures.unwrap(error);
                if (cause instanceof TimeoutException) {
                  throw new AuthFailureException(
                      AuthFailureException.Reason.TIMEOUT,
                      "no " + expected + " within " + settings.stepTimeout());
                }
                if (cause instanceof ConnectionClosedException) {
                  throw new AuthFailureException(ifClosed, "peer closed before " + expected, cause);
                }
                throw HandshakeMessages.protocol(
                    "cannot receive " + expected + ": " + cause, cause);
              }
              return HandshakeMessages.decode(bytes, expected);
            },
            executor());
  }

  /**
   * Runs a handshake body; on any failure closes the connection and fails with the unwrapped cause
   * (an {@link AuthFailureException} for every handshake failure).
   */
  <T> CompletableFuture<T> run(String description, Supplier<CompletableFuture<T>> body) {
    CompletableFuture<T> result;
    try {
      result = body.get();
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.handle(
        (value, error) -> {
          if (error == null) {
            return value;
          }
          Throwable cause = Failures.unwrap(error);
          fail();
          if (cause instanceof AuthFailureException failure) {
            log.debug("{} failed: {}", description, failure.getMessage());
          } else {
            log.warn("{} failed", description, cause);
          }
          throw new CompletionException(cause);
        });
  }

  /**
   * The peer's first encrypted frame, with a deadline: completes when it has opened on {@code
   * encrypted} (which proves the peer derived the session keys), fails when the connection closes
   * first, and closes it (1008) with reason {@code timeout} if it has not opened within the step
   * timeout. Nothing else bounds that wait: without it a peer that completed the handshake's
   * messages but cannot produce a frame would hold its connection (and its admission slot) open.
   */
  CompletableFuture<Void> firstFrame(EncryptedConnection encrypted) {
    long timeoutMillis = settings.stepTimeout().toMillis();
    return encrypted
        .firstMessageOpened()
        .copy()
        .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .handle(
            (ignored, error) -> {
              if (error == null) {
                return null;
              }
              Throwable cause = Failures.unwrap(error);
              if (cause instanceof TimeoutException) {
                fail();
                cause =
                    new AuthFailureException(
                        AuthFailureException.Reason.TIMEOUT,
                        "the peer's first frame did not open within " + settings.stepTimeout());
                log.debug("{}", cause.getMessage());
              }
              throw new CompletionException(cause);
            });
  }
}

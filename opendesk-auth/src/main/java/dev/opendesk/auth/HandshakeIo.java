package dev.opendesk.auth;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.Failures;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One handshake's view of its connection: sends and step-timed receives of handshake messages, with
 * CPU work continued on the handshake executor, and the failure policy (close the connection,
 * surface a typed {@link AuthFailureException}). Shared by every flavour. Used by one handshake at
 * a time.
 */
final class HandshakeIo {

  private static final Logger log = LoggerFactory.getLogger(HandshakeIo.class);

  private final Connection connection;
  private final Handshake settings;

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

  Executor executor() {
    return settings.executor();
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
              if (error != null) {
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
          connection.close();
          if (cause instanceof AuthFailureException failure) {
            log.debug("{} failed: {}", description, failure.getMessage());
          } else {
            log.warn("{} failed", description, cause);
          }
          throw new CompletionException(cause);
        });
  }
}

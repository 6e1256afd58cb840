package dev.opendesk.peer;

import dev.opendesk.protocol.Cancel;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Frame;
import dev.opendesk.protocol.FrameCodec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a peer's call classes share: the connection (sending encoded frames, CANCEL), the codec,
 * call deadlines, hand-offs to the handler executor, the outbound call table, and the session's
 * started/closed state under its one state lock. {@link Peer} builds one per session and wires the
 * call classes to it; none of them knows the {@code Peer}.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
final class SessionLink {

  /** The peer module's one logger, named for the public type users configure. */
  static final Logger LOG = LoggerFactory.getLogger(Peer.class);

  private static final AtomicInteger PEER_NUMBERS = new AtomicInteger();

  /**
   * How long the close outcome waits for a transport that failed a receive before it recorded why.
   */
  private static final Duration TRANSPORT_OUTCOME_WAIT = Duration.ofSeconds(5);

  private final String name;
  private final Connection connection;
  private final FrameCodec codec;
  private final Executor executor;
  private final boolean ownsExecutor;
  // The default executor of result futures' *Async stages: the handler executor, or the calling
  // thread once it no longer accepts tasks (a stage must run even after close).
  private final Executor asyncStages = this::runAsync;
  private final WaitSpin waitSpin = new WaitSpin();
  private final boolean callbacksMayBlock;
  private final SharedThreads.Lease threads;
  private final OutboundCallTable outbound = new OutboundCallTable();
  private final List<Runnable> closeHooks = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  private final Object stateLock = new Object();
  // Written under stateLock.
  private volatile boolean started;
  private volatile boolean closed;
  private volatile Throwable closeCause;

  SessionLink(Connection connection, PeerOptions options) {
    this.connection = connection;
    this.codec = options.codec();
    this.name = "opendesk-peer-" + PEER_NUMBERS.incrementAndGet();
    this.threads = SharedThreads.acquire();
    this.ownsExecutor = options.handlerExecutor() == null;
    this.executor = ownsExecutor ? threads.handlerPool() : options.handlerExecutor();
    this.callbacksMayBlock = options.callbacksMayBlock();
  }

  /** This session's name, for logs and thread names. */
  String name() {
    return name;
  }

  /** The lock that guards the started/closed state and the HELLO exchange's flags. */
  Object stateLock() {
    return stateLock;
  }

  /** The outbound calls awaiting RESes. */
  OutboundCallTable outbound() {
    return outbound;
  }

  /** Runs {@code hook} once when the session closes, after every outbound call has failed. */
  void onClose(Runnable hook) {
    closeHooks.add(hook);
  }

  // ------------------------------------------------------------------ state

  boolean isOpen() {
    return !closed;
  }

  boolean isClosed() {
    return closed;
  }

  /** Whether the receive loop was started; read under the state lock by the HELLO exchange. */
  boolean isStarted() {
    return started;
  }

  /**
   * Marks the session started; returns whether this call did (not already started, not closed).
   *
   * @param receivingHello whether the remote HELLO is being received (read under the state lock)
   * @throws IllegalStateException if the remote HELLO is still being received
   */
  boolean markStarted(BooleanSupplier receivingHello) {
    synchronized (stateLock) {
      if (closed || started) {
        return false;
      }
      if (receivingHello.getAsBoolean()) {
        throw new IllegalStateException(
            "start() while the remote HELLO is being received: wait for it first");
      }
      started = true;
      return true;
    }
  }

  CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  // ------------------------------------------------------------------ the wire

  byte[] encode(Frame frame) {
    return codec.encode(frame);
  }

  FrameCodec codec() {
    return codec;
  }

  Connection connection() {
    return connection;
  }

  CompletableFuture<Void> sendEncoded(byte[] frame) {
    try {
      return connection.send(frame);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  void sendCancel(long id, String reason) {
    if (!closed) {
      sendEncoded(codec.encode(new Cancel(id, reason)));
    }
  }

  /**
   * What a call whose REQ could not be sent fails with: the session's close reason if it is
   * closing.
   */
  ConnectionClosedException sendFailure(Throwable failure) {
    if (closed) {
      return closedException();
    }
    Throwable t = ErrorMapping.unwrap(failure);
    return t instanceof ConnectionClosedException c
        ? c
        : new ConnectionClosedException("request could not be sent", t);
  }

  // ------------------------------------------------------------------ timers and hand-offs

  /** Schedules {@code task}; returns {@code null} if the timer is gone (the session is closing). */
  ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return threads.schedule(task, delay.toNanos());
  }

  void runAsync(Runnable task) {
    runOn(executor, task);
  }

  /** The handler executor. */
  Executor executor() {
    return executor;
  }

  /** A new, incomplete future of {@code call}'s result; see {@link ResultFuture}. */
  <T> ResultFuture<T> newResultFuture(ResultFuture.Owner call) {
    return new ResultFuture<>(asyncStages, waitSpin, call);
  }

  /** See {@link PeerOptions#callbacksMayBlock()}. */
  boolean callbacksMayBlock() {
    return callbacksMayBlock;
  }

  /**
   * Whether the handler executor is the peers' shared pool rather than the user's: only then may a
   * closing session interrupt its own handlers' threads.
   */
  boolean ownsExecutor() {
    return ownsExecutor;
  }

  /**
   * Runs {@code task} on {@code executor}, or here if the executor no longer accepts tasks
   * (closing).
   */
  static void runOn(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  <T> void completeAsync(CompletableFuture<T> future, T value, Throwable failure) {
    runAsync(
        () -> {
          if (failure == null) {
            future.complete(value);
          } else {
            future.completeExceptionally(failure);
          }
        });
  }

  /** A copy of {@code source} completed on the handler executor, not on a transport thread. */
  <T> CompletableFuture<T> relay(CompletableFuture<T> source) {
    CompletableFuture<T> out = new CompletableFuture<>();
    source.whenComplete(
        (value, failure) ->
            completeAsync(out, value, failure == null ? null : ErrorMapping.unwrap(failure)));
    return out;
  }

  // ------------------------------------------------------------------ closing

  RuntimeException protocolViolation(String message) {
    ProtocolException violation = new ProtocolException(ErrorInfo.of(ErrorCode.PROTOCOL, message));
    LOG.warn("{}: protocol violation by the remote peer, closing: {}", name, message);
    shutdown(violation);
    return violation;
  }

  /** The connection failed or closed under a receive: close the session with the right cause. */
  RuntimeException onConnectionFailure(Throwable failure) {
    if (!closed) {
      Throwable t = ErrorMapping.unwrap(failure);
      Throwable cause = null;
      CompletableFuture<Void> connectionClosed = connection.closeFuture();
      if (connectionClosed.isCompletedExceptionally()) {
        try {
          connectionClosed.getNow(null);
        } catch (CompletionException | CancellationException e) {
          cause = ErrorMapping.unwrap(e);
        }
      } else if (!(t instanceof ConnectionClosedException)) {
        cause = t;
      } else if (t.getCause() != null) {
        cause = t.getCause();
      } else if (!connectionClosed.isDone()) {
        // A transport may fail the pending receive a moment before it records how it closed (e.g.
        // a TCP close without a WebSocket close): fail the calls now, let the outcome follow it.
        shutdown(null, connectionClosed);
        return closedException();
      }
      // An orderly close by the remote ends the session normally.
      shutdown(cause);
    }
    return closedException();
  }

  void shutdown(Throwable cause) {
    shutdown(cause, null);
  }

  /**
   * Closes; {@link #closeFuture} then completes with {@code cause}, or, when {@code
   * transportClosed} is given, as that future does (normally if it has not completed within {@link
   * #TRANSPORT_OUTCOME_WAIT}).
   */
  private void shutdown(Throwable cause, CompletableFuture<Void> transportClosed) {
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      closeCause = cause;
      closed = true;
    }
    LOG.debug("{}: closing{}", name, cause == null ? "" : " (" + cause + ")");
    connection.close();
    outbound.closeAll(closedException());
    for (Runnable hook : closeHooks) {
      hook.run();
    }
    threads.release();
    if (transportClosed != null) {
      transportClosed
          .copy()
          .completeOnTimeout(null, TRANSPORT_OUTCOME_WAIT.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (v, e) -> {
                if (e == null) {
                  closeFuture.complete(null);
                } else {
                  closeFuture.completeExceptionally(ErrorMapping.unwrap(e));
                }
              });
    } else if (cause == null) {
      closeFuture.complete(null);
    } else {
      closeFuture.completeExceptionally(cause);
    }
  }

  ConnectionClosedException closedException() {
    Throwable cause = closeCause;
    return cause == null
        ? new ConnectionClosedException("connection closed")
        : new ConnectionClosedException("connection closed: " + cause.getMessage(), cause);
  }

  /**
   * Registers {@code call} in the outbound table; fails it at once if the session already closed
   * (the close may have swept the table just before).
   */
  void register(OutboundCall call) {
    outbound.put(call);
    if (closed) {
      call.onClose(closedException());
    }
  }
}

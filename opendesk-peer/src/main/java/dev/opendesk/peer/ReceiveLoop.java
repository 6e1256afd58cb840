package dev.opendesk.peer;

import dev.opendesk.protocol.Cancel;
import dev.opendesk.protocol.CodecException;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Frame;
import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Push;
import dev.opendesk.protocol.Req;
import dev.opendesk.protocol.Res;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * A peer's frame receive loop: reads from the connection, decodes, and dispatches each frame to the
 * outbound call it answers, the inbound call table, the push registry or the HELLO exchange; it
 * pauses (stops reading) while a stream's buffer is full.
 *
 * <p>Thread-safe in the sense that at most one thread runs the loop at a time: a pending receive
 * hands the loop to whichever of the reading thread and the completing thread comes second, and a
 * pause resumes it on the handler executor. {@link #releasePause} may be called from any thread.
 */
final class ReceiveLoop {

  private final SessionLink link;
  private final Connection connection;
  private final FrameCodec codec;
  private final HelloExchange hellos;
  private final InboundCallTable inbound;
  private final PushRegistry pushes;
  private volatile CompletableFuture<Void> paused;

  /**
   * The hand-off of the one pending receive, reused: both of its parties are done with it before
   * the loop asks for the next message.
   */
  private final Handoff handoff = new Handoff();

  ReceiveLoop(
      SessionLink link, HelloExchange hellos, InboundCallTable inbound, PushRegistry pushes) {
    this.link = link;
    this.connection = link.connection();
    this.codec = link.codec();
    this.hellos = hellos;
    this.inbound = inbound;
    this.pushes = pushes;
  }

  /**
   * Starts the loop on the handler executor (idempotent).
   *
   * @throws IllegalStateException if the remote HELLO is still being received
   */
  void start() {
    if (link.markStarted(hellos::isReceiving)) {
      link.runAsync(this::readLoop);
    }
  }

  /**
   * Reads and dispatches frames until the connection has nothing ready, a stream buffer is full, or
   * the peer closed. It iterates: transports may complete receive futures synchronously.
   */
  void readLoop() {
    int[] depth = BlockingCalls.enterReceiveLoop();
    try {
      readFrames();
    } finally {
      BlockingCalls.leaveReceiveLoop(depth);
    }
  }

  private void readFrames() {
    while (link.isOpen()) {
      // Whoever comes second (this thread or the receiving one) carries the loop on.
      handoff.set(false);
      try {
        connection.receive(handoff);
      } catch (RuntimeException e) {
        handoff.accept(null, e);
      }
      if (handoff.compareAndSet(false, true)) {
        return;
      }
      if (!process(handoff.takeMessage(), handoff.takeFailure())) {
        return;
      }
    }
  }

  /**
   * The hand-off flag of the pending receive and its receiver in one object: whoever sets the flag
   * second (the loop returning, or the message arriving) carries the loop on, and only that one
   * touches the object again, to reset it for the next receive. A message that arrives first waits
   * here for the loop.
   */
  private final class Handoff extends AtomicBoolean implements BiConsumer<byte[], Throwable> {
    private static final long serialVersionUID = 1L;

    // Written before the flag is set, read after it was found set: the flag publishes them.
    private transient byte[] message;
    private transient Throwable failure;

    @Override
    public void accept(byte[] message, Throwable failure) {
      if (failure != null) {
        failure = ErrorMapping.unwrap(failure);
      }
      this.message = message;
      this.failure = failure;
      if (compareAndSet(false, true)) {
        return;
      }
      this.message = null;
      this.failure = null;
      int[] depth = BlockingCalls.enterReceiveLoop();
      try {
        if (process(message, failure)) {
          readFrames();
        }
      } finally {
        BlockingCalls.leaveReceiveLoop(depth);
      }
    }

    byte[] takeMessage() {
      byte[] m = message;
      message = null;
      return m;
    }

    Throwable takeFailure() {
      Throwable f = failure;
      failure = null;
      return f;
    }
  }

  /** Handles one received message; returns whether the loop should read on at once. */
  private boolean process(byte[] message, Throwable failure) {
    if (failure != null) {
      link.onConnectionFailure(failure);
      return false;
    }
    if (!link.isOpen()) {
      return false;
    }
    Frame frame;
    try {
      frame = codec.decode(message);
    } catch (CodecException e) {
      link.protocolViolation(e.getMessage());
      return false;
    }
    CompletableFuture<Void> wait;
    try {
      wait = dispatch(frame);
    } catch (RuntimeException e) {
      SessionLink.LOG.error(
          "{}: failure while dispatching a {} frame", link.name(), frame.type(), e);
      link.shutdown(
          new ProtocolException(
              ErrorInfo.of(ErrorCode.INTERNAL, "receive loop failed: " + e.getClass().getName())));
      return false;
    }
    if (wait == null) {
      return true;
    }
    paused = wait;
    wait.whenComplete(
        (v, e) -> {
          paused = null;
          link.runAsync(this::readLoop);
        });
    if (!link.isOpen() || !connection.isOpen()) {
      releasePause();
    }
    return false;
  }

  /** Lets a loop paused on a full stream buffer read on: the peer or its connection closed. */
  void releasePause() {
    CompletableFuture<Void> p = paused;
    if (p != null) {
      p.complete(null);
    }
  }

  private CompletableFuture<Void> dispatch(Frame frame) {
    if (frame instanceof Res res) {
      return onRes(res);
    }
    if (frame instanceof Req req) {
      inbound.admit(req);
    } else if (frame instanceof Cancel cancel) {
      InboundCall call = inbound.get(cancel.id());
      if (call != null) {
        call.cancel(cancel.reason());
      } else {
        SessionLink.LOG.debug(
            "{}: CANCEL for unknown call id {} ignored", link.name(), cancel.id());
      }
    } else if (frame instanceof Push push) {
      pushes.onPushFrame(push);
    } else if (frame instanceof Hello hello) {
      if (hellos.remoteHello() != null) {
        link.protocolViolation("second HELLO from the remote");
      } else {
        hellos.accept(hello);
      }
    }
    return null;
  }

  private CompletableFuture<Void> onRes(Res res) {
    OutboundCall call = link.outbound().get(res.id());
    if (call != null) {
      return call.onRes(res);
    }
    SessionLink.LOG.debug(
        "{}: RES for call id {} that is no longer tracked ignored", link.name(), res.id());
    return null;
  }
}

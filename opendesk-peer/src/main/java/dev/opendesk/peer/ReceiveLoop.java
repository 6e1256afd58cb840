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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A peer's frame receive loop: reads from the connection, decodes, and dispatches each frame to the
 * outbound call it answers, the inbound call table, the push registry or the HELLO exchange; it
 * pauses (stops reading) while a stream's buffer is full.
 *
 * <p>Thread-safe in the sense that at most one thread runs the loop at a time: a pending receive
 * hands the loop to whichever of the reading thread and the completing thread comes second, and a
 * pause resumes it on the iterating thread that drained the buffer (for at most {@link
 * #FRAMES_PER_CONSUMER_TURN} frames) or else on the handler executor. {@link #releasePause} may be
 * called from any thread.
 */
final class ReceiveLoop {

  private final SessionLink link;
  private final Connection connection;
  private final FrameCodec codec;
  private final HelloExchange hellos;
  private final InboundCallTable inbound;
  private final PushRegistry pushes;

  /**
   * How many frames a stream's consumer that resumed the loop reads on its own thread before the
   * loop moves to the handler executor: the consumer has its own items to come back to.
   */
  static final int FRAMES_PER_CONSUMER_TURN = 64;

  private volatile CompletableFuture<Boolean> paused;

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
    readLoop(Integer.MAX_VALUE);
  }

  private void readLoop(int budget) {
    int[] depth = BlockingCalls.enterReceiveLoop();
    try {
      readFrames(budget);
    } finally {
      BlockingCalls.leaveReceiveLoop(depth);
    }
  }

  /**
   * As {@link #readLoop()}, handing the loop to the handler executor after {@code budget} frames.
   */
  private void readFrames(int budget) {
    for (int left = budget; link.isOpen(); left--) {
      if (left == 0) {
        link.runAsync(this::readLoop);
        return;
      }
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
          readFrames(Integer.MAX_VALUE);
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
    CompletableFuture<Boolean> wait;
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
    Resumption resumption = new Resumption();
    wait.whenComplete(resumption);
    if (!resumption.registered()) {
      // Released while being registered, on this thread: read on here rather than nest a loop.
      paused = null;
      return true;
    }
    if (!link.isOpen() || !connection.isOpen()) {
      releasePause();
    }
    return false;
  }

  /**
   * What resumes a paused loop: on the completing thread when it says it may carry the loop on,
   * else on the handler executor; nothing if the pause ended while its registration still ran (the
   * registering thread reads on).
   */
  private final class Resumption extends AtomicInteger implements BiConsumer<Boolean, Throwable> {
    private static final long serialVersionUID = 1L;
    private static final int REGISTERING = 0;
    private static final int WAITING = 1;
    private static final int RELEASED_EARLY = 2;

    /** Called once {@code whenComplete} returned: whether the loop now waits for this. */
    boolean registered() {
      return compareAndSet(REGISTERING, WAITING);
    }

    @Override
    public void accept(Boolean here, Throwable failure) {
      if (compareAndSet(REGISTERING, RELEASED_EARLY)) {
        return;
      }
      paused = null;
      if (Boolean.TRUE.equals(here)) {
        readLoop(FRAMES_PER_CONSUMER_TURN);
      } else {
        link.runAsync(ReceiveLoop.this::readLoop);
      }
    }
  }

  /** Lets a loop paused on a full stream buffer read on: the peer or its connection closed. */
  void releasePause() {
    CompletableFuture<Boolean> p = paused;
    if (p != null) {
      p.complete(false);
    }
  }

  private CompletableFuture<Boolean> dispatch(Frame frame) {
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

  private CompletableFuture<Boolean> onRes(Res res) {
    OutboundCall call = link.outbound().get(res.id());
    if (call != null) {
      return call.onRes(res);
    }
    SessionLink.LOG.debug(
        "{}: RES for call id {} that is no longer tracked ignored", link.name(), res.id());
    return null;
  }
}

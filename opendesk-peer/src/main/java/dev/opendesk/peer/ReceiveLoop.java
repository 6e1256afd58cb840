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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

  private final Peer peer;
  private final Connection connection;
  private final FrameCodec codec;
  private final HelloExchange hellos;
  private final InboundCallTable inbound;
  private final PushRegistry pushes;
  private volatile CompletableFuture<Void> paused;

  ReceiveLoop(
      Peer peer,
      Connection connection,
      FrameCodec codec,
      HelloExchange hellos,
      InboundCallTable inbound,
      PushRegistry pushes) {
    this.peer = peer;
    this.connection = connection;
    this.codec = codec;
    this.hellos = hellos;
    this.inbound = inbound;
    this.pushes = pushes;
  }

  /**
   * Reads and dispatches frames until the connection has nothing ready, a stream buffer is full, or
   * the peer closed. It iterates: transports may complete receive futures synchronously.
   */
  void readLoop() {
    while (peer.isOpen()) {
      CompletableFuture<byte[]> next;
      try {
        next = connection.receive();
      } catch (RuntimeException e) {
        next = CompletableFuture.failedFuture(e);
      }
      if (!next.isDone()) {
        // Whoever comes second (this thread or the completing one) carries the loop on.
        Handoff handoff = new Handoff();
        next.whenComplete(handoff);
        if (handoff.compareAndSet(false, true)) {
          return;
        }
      }
      byte[] message = null;
      Throwable failure = null;
      try {
        message = next.join();
      } catch (CompletionException | CancellationException e) {
        failure = ErrorMapping.unwrap(e);
      }
      if (!process(message, failure)) {
        return;
      }
    }
  }

  /**
   * The hand-off flag of one pending receive and its completion callback in one object: whoever
   * sets the flag second (the loop returning, or the receive completing) carries the loop on.
   */
  private final class Handoff extends AtomicBoolean implements BiConsumer<byte[], Throwable> {
    private static final long serialVersionUID = 1L;

    @Override
    public void accept(byte[] message, Throwable failure) {
      if (!compareAndSet(false, true) && process(message, failure)) {
        readLoop();
      }
    }
  }

  /** Handles one received message; returns whether the loop should read on at once. */
  private boolean process(byte[] message, Throwable failure) {
    if (failure != null) {
      peer.onConnectionFailure(failure);
      return false;
    }
    if (!peer.isOpen()) {
      return false;
    }
    Frame frame;
    try {
      frame = codec.decode(message);
    } catch (CodecException e) {
      peer.protocolViolation(e.getMessage());
      return false;
    }
    CompletableFuture<Void> wait;
    try {
      wait = dispatch(frame);
    } catch (RuntimeException e) {
      Peer.LOG.error("{}: failure while dispatching a {} frame", peer.name(), frame.type(), e);
      peer.shutdown(
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
          peer.runAsync(this::readLoop);
        });
    if (!peer.isOpen() || !connection.isOpen()) {
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
        Peer.LOG.debug("{}: CANCEL for unknown call id {} ignored", peer.name(), cancel.id());
      }
    } else if (frame instanceof Push push) {
      pushes.onPushFrame(push);
    } else if (frame instanceof Hello hello) {
      if (hellos.remoteHello() != null) {
        peer.protocolViolation("second HELLO from the remote");
      } else {
        hellos.accept(hello);
      }
    }
    return null;
  }

  private CompletableFuture<Void> onRes(Res res) {
    OutboundUnary unary = peer.unaryCall(res.id());
    if (unary != null) {
      unary.onRes(res);
      return null;
    }
    OutboundStream<?> stream = peer.outboundStream(res.id());
    if (stream != null) {
      return stream.onRes(res);
    }
    Peer.LOG.debug(
        "{}: RES for call id {} that is no longer tracked ignored", peer.name(), res.id());
    return null;
  }
}

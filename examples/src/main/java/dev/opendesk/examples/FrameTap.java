package dev.opendesk.examples;

import dev.opendesk.protocol.CodecException;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ForwardingConnection;
import dev.opendesk.protocol.Frame;
import dev.opendesk.protocol.FrameCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A {@link Connection} decorator that shows every frame going by to listeners, so a check can see
 * what a {@link dev.opendesk.peer.Peer} does not surface, e.g. the server's answer to a CANCEL.
 * Messages pass through unchanged; one that does not decode is passed on without being shown (the
 * peer reports it). Thread-safe.
 */
final class FrameTap extends ForwardingConnection {

  /** Which way a frame went. */
  enum Direction {
    SENT,
    RECEIVED
  }

  private static final FrameCodec CODEC = FrameCodec.standard();

  private final CopyOnWriteArrayList<BiConsumer<Direction, Frame>> listeners =
      new CopyOnWriteArrayList<>();

  FrameTap(Connection delegate) {
    super(delegate);
  }

  /** Adds a listener; it runs on the transport's thread and must not block. */
  Runnable listen(BiConsumer<Direction, Frame> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void show(Direction direction, byte[] message) {
    if (listeners.isEmpty()) {
      return;
    }
    Frame frame;
    try {
      frame = CODEC.decode(message);
    } catch (CodecException e) {
      return;
    }
    for (BiConsumer<Direction, Frame> listener : listeners) {
      listener.accept(direction, frame);
    }
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    show(Direction.SENT, message);
    return delegate.send(message);
  }

  @Override
  public CompletableFuture<byte[]> receive() {
    return delegate
        .receive()
        .thenApply(
            message -> {
              show(Direction.RECEIVED, message);
              return message;
            });
  }
}

package dev.opendesk.transport.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Liveness, both ways: answers the peer's pings with pongs (RFC 6455 §5.5.2), and once started
 * sends a ping every {@code interval}; if nothing at all (its pong, a ping, a message) has arrived
 * {@code pongTimeout} after the ping was written, reports a {@link ConnectionFailure} so the
 * connection is dropped. Any frame counts as proof of life because a peer that is itself paused for
 * backpressure cannot read our ping, yet keeps pinging us. While our own inbound reading is paused
 * the answer cannot be read, so the deadline is extended instead. Falls silent once a close frame
 * has been written: RFC 6455 allows no frame after it.
 */
final class KeepaliveHandler extends ChannelDuplexHandler {

  private final long intervalNanos;
  private final long pongTimeoutNanos;
  private final BooleanSupplier readPaused;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> pingTask;
  private ScheduledFuture<?> deadline;
  private boolean awaitingPong;
  private boolean stopped;

  KeepaliveHandler(Duration interval, Duration pongTimeout, BooleanSupplier readPaused) {
    this.intervalNanos = interval.toNanos();
    this.pongTimeoutNanos = pongTimeout.toNanos();
    this.readPaused = readPaused;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Starts pinging; called on the event loop once the upgrade completed. */
  void start() {
    if (intervalNanos > 0 && !stopped && ctx.channel().isActive()) {
      pingTask =
          ctx.executor()
              .scheduleWithFixedDelay(
                  this::ping, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void ping() {
    if (stopped) {
      return;
    }
    // Keep pinging while an answer is outstanding: when our reading is paused for backpressure
    // we cannot read the answer, and our pings are then the peer's only sign that we are alive.
    awaitingPong = true;
    ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER))
        .addListener(
            f -> {
              // Timed from the write, not the queueing: a big send ahead of the ping is not the
              // peer's fault.
              if (f.isSuccess() && awaitingPong && !stopped && deadline == null) {
                armDeadline();
              }
            });
  }

  private void armDeadline() {
    deadline =
        ctx.executor().schedule(this::deadlinePassed, pongTimeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void deadlinePassed() {
    deadline = null;
    if (!awaitingPong || stopped) {
      return;
    }
    if (readPaused.getAsBoolean()) {
      armDeadline();
      return;
    }
    stop();
    ctx.fireExceptionCaught(
        new ConnectionFailure(
            ConnectionFailure.NO_CLOSE_FRAME,
            "keepalive: nothing received within "
                + Duration.ofNanos(pongTimeoutNanos)
                + " of a ping; the peer is unresponsive"));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (awaitingPong) {
      awaitingPong = false;
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }
    if (msg instanceof PingWebSocketFrame ping) {
      if (stopped) {
        ping.release();
      } else {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
      }
      return;
    }
    if (msg instanceof PongWebSocketFrame pong) {
      pong.release();
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof CloseWebSocketFrame) {
      stop();
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  private void stop() {
    stopped = true;
    if (pingTask != null) {
      pingTask.cancel(false);
    }
    if (deadline != null) {
      deadline.cancel(false);
    }
  }
}

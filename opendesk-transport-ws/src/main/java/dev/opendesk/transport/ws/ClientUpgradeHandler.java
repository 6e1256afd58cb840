package dev.opendesk.transport.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Client side of the opening handshake: sends the upgrade request once connected, checks the
 * response, and completes the connect future with the open connection (or fails it: bad response,
 * timeout, connection lost). Removes itself once upgraded.
 */
final class ClientUpgradeHandler extends ChannelInboundHandlerAdapter {

  private final WebSocketClientHandshaker handshaker;
  private final Duration timeout;
  private final MessagePipeline tail;
  private final boolean secure;
  private final CompletableFuture<WebSocketConnection> result;
  private ScheduledFuture<?> deadline;

  ClientUpgradeHandler(
      WebSocketClientHandshaker handshaker,
      Duration timeout,
      MessagePipeline tail,
      boolean secure,
      CompletableFuture<WebSocketConnection> result) {
    this.handshaker = handshaker;
    this.timeout = timeout;
    this.tail = tail;
    this.secure = secure;
    this.result = result;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    deadline =
        ctx.executor()
            .schedule(
                () ->
                    fail(
                        ctx,
                        new TimeoutException(
                            "WebSocket upgrade of "
                                + handshaker.uri()
                                + " timed out after "
                                + timeout)),
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
    handshaker
        .handshake(ctx.channel())
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                fail(ctx, f.cause());
              }
            });
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpResponse response)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      handshaker.finishHandshake(ctx.channel(), response);
    } catch (RuntimeException e) {
      fail(ctx, e);
      return;
    } finally {
      response.release();
    }
    cancelDeadline();
    WebSocketConnection connection = tail.open(ctx, secure);
    if (!result.complete(connection)) {
      connection.close(); // the caller cancelled the connect
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(
        ctx,
        new IOException("connection closed during the WebSocket upgrade of " + handshaker.uri()));
    ctx.fireChannelInactive();
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    cancelDeadline();
    if (cause instanceof DecoderException && cause.getCause() != null) {
      cause = cause.getCause(); // e.g. the SSLHandshakeException the TLS handler wraps
    }
    result.completeExceptionally(cause);
    ctx.close();
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }
}

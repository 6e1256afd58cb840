package dev.opendesk.transport.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side of the opening handshake: answers the HTTP upgrade request on the configured path
 * (404 elsewhere, 400 for a malformed upgrade, 403 for a web page whose {@code Origin} the options
 * do not allow), enforces the upgrade deadline from TCP accept, and on success removes itself and
 * hands the channel to the WebSocket handlers.
 */
final class ServerUpgradeHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(WebSocketServer.class);

  /** Told on the event loop when a connection is open. */
  interface Listener {
    void opened(WebSocketConnection connection);
  }

  private final WebSocketOptions options;
  private final boolean secure;
  private final MessagePipeline tail;
  private final Listener listener;
  private ScheduledFuture<?> deadline;
  private boolean upgrading;

  ServerUpgradeHandler(
      WebSocketOptions options, boolean secure, MessagePipeline tail, Listener listener) {
    this.options = options;
    this.secure = secure;
    this.tail = tail;
    this.listener = listener;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    deadline =
        ctx.executor()
            .schedule(
                () -> {
                  log.debug(
                      "{}: no WebSocket upgrade within {}, closing",
                      ctx.channel().remoteAddress(),
                      options.upgradeTimeout());
                  ctx.close();
                },
                options.upgradeTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelDeadline();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (upgrading) {
        return; // pipelined request after the upgrade one: ignored
      }
      if (!originAllowed(request)) {
        // The value is the peer's text: not logged.
        log.debug("{}: upgrade from a disallowed Origin refused", ctx.channel().remoteAddress());
        respond(ctx, HttpResponseStatus.FORBIDDEN, "origin not allowed\n");
        return;
      }
      String path = new QueryStringDecoder(request.uri()).path();
      if (!path.equals(options.path())) {
        respond(ctx, HttpResponseStatus.NOT_FOUND, "no WebSocket endpoint at this path\n");
        return;
      }
      String location =
          (secure ? "wss://" : "ws://")
              + request.headers().get(HttpHeaderNames.HOST, "localhost")
              + options.path();
      WebSocketServerHandshaker handshaker = handshaker(request, location);
      if (handshaker == null) {
        WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      upgrading = true;
      handshaker
          .handshake(ctx.channel(), request)
          .addListener(
              f -> {
                if (f.isSuccess()) {
                  opened(ctx);
                } else {
                  log.debug(
                      "{}: WebSocket upgrade failed", ctx.channel().remoteAddress(), f.cause());
                  ctx.close();
                }
              });
    } catch (WebSocketHandshakeException e) {
      respond(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
    } finally {
      ReferenceCountUtil.release(request);
    }
  }

  /**
   * A request without an {@code Origin} (a native client) is allowed; one with any value outside
   * the allow-list (a web page elsewhere) is not. {@code Sec-WebSocket-Origin} is what protocol
   * versions 7 and 8 send instead.
   */
  private boolean originAllowed(FullHttpRequest request) {
    List<String> origins = new ArrayList<>(request.headers().getAll(HttpHeaderNames.ORIGIN));
    origins.addAll(request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_ORIGIN));
    for (String origin : origins) {
      if (!options.allowsOrigin(origin)) {
        return false;
      }
    }
    return true;
  }

  /**
   * An RFC 6455 (version 13) handshaker whose frame decoder is our {@link MessageDecoder}; null for
   * any other version (the drafts before the RFC), which is answered with 426 and the version we
   * speak.
   */
  private WebSocketServerHandshaker handshaker(FullHttpRequest request, String location) {
    if (!"13".equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
      return null;
    }
    WebSocketDecoderConfig decoderConfig =
        WebSocketDecoderConfig.newBuilder()
            .expectMaskedFrames(true)
            .allowExtensions(false)
            .maxFramePayloadLength(options.maxMessageSize())
            .build();
    int maxMessageSize = options.maxMessageSize();
    return new WebSocketServerHandshaker13(location, null, decoderConfig) {
      @Override
      protected WebSocketFrameDecoder newWebsocketDecoder() {
        return new MessageDecoder(true, maxMessageSize);
      }
    };
  }

  private void opened(ChannelHandlerContext ctx) {
    cancelDeadline();
    if (!ctx.channel().isActive()) {
      return;
    }
    listener.opened(tail.open(ctx, secure));
  }

  private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }
}

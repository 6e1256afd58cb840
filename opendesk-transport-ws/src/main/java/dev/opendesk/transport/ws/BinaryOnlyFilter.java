package dev.opendesk.transport.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Rejects text messages: the opendesk protocol carries binary messages only, so a text frame is a
 * protocol violation answered with close status 1003. Sits before the aggregator so a text message
 * is refused at its first fragment instead of being buffered whole.
 */
final class BinaryOnlyFilter extends ChannelInboundHandlerAdapter {

  private boolean rejected;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof TextWebSocketFrame) {
      ReferenceCountUtil.release(msg);
      if (!rejected) {
        rejected = true;
        ctx.fireExceptionCaught(
            new ConnectionFailure(
                WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code(),
                "peer sent a text message; only binary messages are allowed (closed with status 1003)"));
      }
      return;
    }
    ctx.fireChannelRead(msg);
  }
}

package dev.opendesk.transport.ws;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import java.net.InetSocketAddress;

/**
 * The part of a WebSocket pipeline that client and server share: after the HTTP codec (which the
 * upgrade replaces with Netty's frame encoder and our {@link MessageDecoder}), the role's upgrade
 * handler, then keepalive and the {@link MessageBridge}. One instance per channel; the upgrade
 * handler calls {@link #open} on the event loop once the upgrade has succeeded.
 */
final class MessagePipeline {

  private final MessageBridge bridge;
  private final KeepaliveHandler keepalive;

  /**
   * @param client whether this is the client's end (whose frames are masked)
   */
  MessagePipeline(WebSocketOptions options, boolean client) {
    this.bridge = new MessageBridge(options, client);
    this.keepalive =
        new KeepaliveHandler(options.pingInterval(), options.pongTimeout(), bridge::readPaused);
  }

  /** Appends {@code upgrade} and the shared tail behind it. */
  void addLast(ChannelPipeline p, ChannelHandler upgrade) {
    p.addLast("upgrade", upgrade);
    p.addLast("keepalive", keepalive);
    p.addLast("bridge", bridge);
  }

  /**
   * On the event loop, once upgraded: removes the upgrade handler, starts the bridge (reads follow
   * receive demand from now on) and keepalive, and returns the connection.
   */
  WebSocketConnection open(ChannelHandlerContext upgradeContext, boolean secure) {
    upgradeContext.pipeline().remove(upgradeContext.handler());
    WebSocketConnection connection =
        new WebSocketConnection(
            bridge, (InetSocketAddress) upgradeContext.channel().remoteAddress(), secure);
    bridge.activate(connection.remoteHost() + ":" + connection.remotePort());
    keepalive.start();
    return connection;
  }
}

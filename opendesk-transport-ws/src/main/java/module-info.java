/**
 * The WebSocket transport: {@link dev.opendesk.transport.ws.WebSocketServer} and {@link
 * dev.opendesk.transport.ws.WebSocketClient} open {@link
 * dev.opendesk.transport.ws.WebSocketConnection}s (binary RFC 6455 messages over TCP, optionally
 * TLS) on Netty.
 */
module dev.opendesk.transport.ws {
  // Nullness annotations in the API: needed to compile against it, not to run it.
  requires static transitive org.jspecify;
  requires transitive dev.opendesk.protocol;
  // SslContext and EventLoopGroup appear in WebSocketOptions.
  requires transitive io.netty.handler;
  requires transitive io.netty.transport;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires transitive io.netty.common; // EventLoopGroup extends its EventExecutorGroup
  requires io.netty.transport.classes.epoll;
  requires org.slf4j;

  exports dev.opendesk.transport.ws;
}

package dev.opendesk.transport.ws;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the I/O transport (native epoll where it loads, NIO otherwise) and matching channel
 * types.
 */
final class EventLoops {

  private static final Logger log = LoggerFactory.getLogger(EventLoops.class);
  private static final boolean EPOLL = epollAvailable();

  private EventLoops() {}

  private static boolean epollAvailable() {
    try {
      return Epoll.isAvailable();
    } catch (LinkageError e) {
      // The classes are on the class path but the native library (or its dependencies) is not.
      log.debug("native epoll unavailable, using NIO", e);
      return false;
    }
  }

  static IoHandlerFactory ioHandlerFactory() {
    return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** A new group of {@code threads} threads named {@code name-N}. */
  static EventLoopGroup newGroup(String name, int threads, boolean daemon) {
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(name, daemon), ioHandlerFactory());
  }

  private static boolean isEpoll(EventLoopGroup group) {
    return EPOLL && group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
  }

  static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
    return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  static Class<? extends ServerChannel> serverChannel(EventLoopGroup group) {
    return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /**
   * The group clients use when the options name none: created on first use, daemon threads, never
   * shut down.
   */
  static EventLoopGroup defaultClientGroup() {
    return DefaultClientGroup.GROUP;
  }

  private static final class DefaultClientGroup {
    static final EventLoopGroup GROUP =
        newGroup(
            "opendesk-ws-client",
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
            true);
  }
}

package dev.opendesk.transport.ws;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;

/**
 * Opens client {@link WebSocketConnection}s to {@code ws://} and {@code wss://} URIs.
 *
 * <pre>{@code
 * WebSocketConnection connection = WebSocketClient.connect(URI.create("ws://127.0.0.1:8423/")).join();
 * connection.send(new byte[] {1, 2, 3}).join();
 * byte[] reply = connection.receive().join();
 * connection.close();
 * }</pre>
 *
 * <p>A URI without a port uses 80 ({@code ws}) or 443 ({@code wss}); the opendesk default server
 * port is {@link WebSocketServer#DEFAULT_PORT}. The host name is resolved on the calling thread.
 * For {@code wss} the options' {@link WebSocketOptions#sslContext() sslContext} is used, or else a
 * JDK-provider context that trusts the JVM's default CAs and verifies the host name. Connections
 * made without an {@link WebSocketOptions#eventLoopGroup() eventLoopGroup} share one process-wide
 * group of daemon threads, created on first use.
 *
 * <p>Thread-safe (stateless).
 */
public final class WebSocketClient {

  private WebSocketClient() {}

  /**
   * Connects with {@link WebSocketOptions#defaults()}; see {@link #connect(URI, WebSocketOptions)}.
   */
  public static CompletableFuture<WebSocketConnection> connect(URI uri) {
    return connect(uri, WebSocketOptions.defaults());
  }

  /**
   * Connects and upgrades; the future completes with the open connection, or fails with the cause
   * ({@link java.net.ConnectException}, a {@link java.util.concurrent.TimeoutException} for the
   * upgrade, an {@code SSLException}, a {@code WebSocketClientHandshakeException} for a refused
   * upgrade, ...). Cancelling the future abandons the attempt.
   *
   * @throws IllegalArgumentException when the URI is not an absolute {@code ws}/{@code wss} URI
   *     with a host
   */
  public static CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketOptions options) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(options, "options");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw new IllegalArgumentException("uri scheme must be ws or wss: " + uri);
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("uri must name a host: " + uri);
    }
    boolean secure = scheme.equals("wss");
    int port = uri.getPort() != -1 ? uri.getPort() : (secure ? 443 : 80);
    // An IPv6 literal comes back bracketed from URI.getHost().
    String bareHost =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;

    CompletableFuture<WebSocketConnection> result = new CompletableFuture<>();
    SslContext ssl;
    try {
      ssl =
          !secure
              ? null
              : options.sslContext().isPresent() ? options.sslContext().get() : defaultSslContext();
    } catch (SSLException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (ssl != null && ssl.isServer()) {
      throw new IllegalArgumentException(
          "sslContext must be a client context (SslContextBuilder.forClient)");
    }
    EventLoopGroup group = options.eventLoopGroup().orElseGet(EventLoops::defaultClientGroup);
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(EventLoops.socketChannel(group))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ChannelPipeline p = ch.pipeline();
                    if (ssl != null) {
                      p.addLast("tls", ssl.newHandler(ch.alloc(), bareHost, port));
                    }
                    p.addLast("http", new HttpClientCodec());
                    p.addLast("http-aggregator", new HttpObjectAggregator(8192));
                    MessagePipeline tail = new MessagePipeline(options, true);
                    tail.addLast(
                        p,
                        new ClientUpgradeHandler(
                            new Handshaker(uri, options.maxMessageSize()),
                            options.upgradeTimeout(),
                            tail,
                            secure,
                            result));
                  }
                });
    ChannelFuture connecting = bootstrap.connect(bareHost, port);
    connecting.addListener(
        f -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(f.cause());
          }
        });
    result.whenComplete(
        (c, t) -> {
          if (t instanceof CancellationException) {
            connecting.channel().close();
          }
        });
    return result;
  }

  private static volatile SslContext defaultSsl;

  private static SslContext defaultSslContext() throws SSLException {
    SslContext context = defaultSsl;
    if (context == null) {
      synchronized (WebSocketClient.class) {
        if (defaultSsl == null) {
          defaultSsl = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build();
        }
        context = defaultSsl;
      }
    }
    return context;
  }

  /**
   * RFC 6455 client handshake that sends no {@code Origin} (a native client is no web page, and
   * servers refuse origins they do not know) and whose decoder is our {@link MessageDecoder}, which
   * leaves closing on protocol errors to {@link MessageBridge}.
   */
  private static final class Handshaker extends WebSocketClientHandshaker13 {
    Handshaker(URI uri, int maxMessageSize) {
      super(
          uri,
          WebSocketVersion.V13,
          null,
          false,
          new DefaultHttpHeaders(),
          maxMessageSize,
          true,
          false,
          -1);
    }

    @Override
    protected FullHttpRequest newHandshakeRequest() {
      FullHttpRequest request = super.newHandshakeRequest();
      request.headers().remove(HttpHeaderNames.ORIGIN);
      return request;
    }

    @Override
    protected WebSocketFrameDecoder newWebsocketDecoder() {
      return new MessageDecoder(false, maxFramePayloadLength());
    }
  }
}

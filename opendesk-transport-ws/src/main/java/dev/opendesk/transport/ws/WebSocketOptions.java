package dev.opendesk.transport.ws;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Settings shared by {@link WebSocketServer} and {@link WebSocketClient}. Immutable and
 * thread-safe; build with {@link #builder()}:
 *
 * <pre>{@code
 * WebSocketOptions options = WebSocketOptions.builder()
 *     .maxMessageSize(1024 * 1024)
 *     .pingInterval(Duration.ofSeconds(10))
 *     .build();
 * }</pre>
 *
 * <p>Defaults: maximum message size 16 MiB; connect timeout 10 s; upgrade (opening handshake)
 * timeout 10 s; a WebSocket ping every 20 s and a close when its pong has not arrived 20 s after
 * the ping was written; a local close waits up to 5 s for the peer's close frame; no TLS; the
 * upgrade path {@code /}; at most {@value #DEFAULT_MAX_PENDING_UPGRADES} server connections waiting
 * for their upgrade; no event loop group (the server creates and owns one, clients share a
 * process-wide group); no handler executor (the server owns one); no allowed {@code Origin} (a
 * server refuses every upgrade request from a web page).
 */
public final class WebSocketOptions {

  /** The default and largest message size the protocol expects: 16 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

  /**
   * The default cap on server connections accepted but not yet upgraded: 2048, above {@code
   * HandshakeAdmission.DEFAULT_MAX_PENDING} (1024) so a burst of 1 000 legitimate clients reaches
   * the handshake.
   */
  public static final int DEFAULT_MAX_PENDING_UPGRADES = 2048;

  private static final WebSocketOptions DEFAULTS = builder().build();

  private final int maxMessageSize;
  private final Duration connectTimeout;
  private final Duration upgradeTimeout;
  private final int maxPendingUpgrades;
  private final Duration pingInterval;
  private final Duration pongTimeout;
  private final Duration closeTimeout;
  private final SslContext sslContext;
  private final EventLoopGroup eventLoopGroup;
  private final Executor handlerExecutor;
  private final String path;
  private final Set<String> allowedOrigins;

  private WebSocketOptions(Builder b) {
    this.maxMessageSize = b.maxMessageSize;
    this.connectTimeout = b.connectTimeout;
    this.upgradeTimeout = b.upgradeTimeout;
    this.maxPendingUpgrades = b.maxPendingUpgrades;
    this.pingInterval = b.pingInterval;
    this.pongTimeout = b.pongTimeout;
    this.closeTimeout = b.closeTimeout;
    this.sslContext = b.sslContext;
    this.eventLoopGroup = b.eventLoopGroup;
    this.handlerExecutor = b.handlerExecutor;
    this.path = b.path;
    this.allowedOrigins = Set.copyOf(b.allowedOrigins);
  }

  /** The default options. */
  public static WebSocketOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Largest inbound message accepted, in bytes; a larger one closes the connection with status
   * 1009.
   */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /** How long a client waits for the TCP (and TLS) connection. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long either side waits for the HTTP upgrade to complete once the TCP connection exists. */
  public Duration upgradeTimeout() {
    return upgradeTimeout;
  }

  /**
   * Server only: how many accepted TCP connections may be waiting for their WebSocket upgrade at
   * once. When a new connection arrives at the cap, the oldest waiting one is closed: a flood of
   * idle sockets cannot exhaust file descriptors, and strangers who connected first cannot lock out
   * a client who connects after them (each waits at most {@link #upgradeTimeout()} anyway).
   */
  public int maxPendingUpgrades() {
    return maxPendingUpgrades;
  }

  /** Interval between keepalive pings; {@link Duration#ZERO} disables keepalive. */
  public Duration pingInterval() {
    return pingInterval;
  }

  /**
   * How long after a ping was written its pong may take before the connection is closed as dead.
   */
  public Duration pongTimeout() {
    return pongTimeout;
  }

  /** How long a close waits for the peer's close frame before dropping the TCP connection. */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /**
   * The TLS context: for a server, its {@code wss} server context; for a client, the context used
   * for {@code wss://} URIs (when absent, a JDK-provider context trusting the JVM's default CAs).
   */
  public Optional<SslContext> sslContext() {
    return Optional.ofNullable(sslContext);
  }

  /**
   * A caller-owned event loop group to run on (never shut down by this module); when absent a
   * server owns its own group and clients share a process-wide one (native epoll where available,
   * NIO otherwise).
   */
  public Optional<EventLoopGroup> eventLoopGroup() {
    return Optional.ofNullable(eventLoopGroup);
  }

  /**
   * Server only: where the per-connection handler runs; when absent the server owns a cached pool
   * of daemon threads, so a handler that blocks never stalls the event loop or other accepts.
   */
  public Optional<Executor> handlerExecutor() {
    return Optional.ofNullable(handlerExecutor);
  }

  /** Server only: the upgrade path (the request path must equal it; the query is ignored). */
  public String path() {
    return path;
  }

  /**
   * Server only: the {@code Origin} values (lower case, e.g. {@code https://app.example:8443})
   * whose web pages may open a connection. Browsers send {@code Origin} with every WebSocket
   * upgrade and native clients send none, so an upgrade request that carries an {@code Origin} (or
   * the older {@code Sec-WebSocket-Origin}) not in this set is refused with HTTP 403; one without
   * is served. Empty by default: no web page can reach the server, not even one on the same
   * machine.
   */
  public Set<String> allowedOrigins() {
    return allowedOrigins;
  }

  /**
   * Whether an upgrade request carrying {@code origin} may proceed; see {@link #allowedOrigins()}.
   */
  boolean allowsOrigin(String origin) {
    return !allowedOrigins.isEmpty()
        && allowedOrigins.contains(origin.trim().toLowerCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return "WebSocketOptions[maxMessageSize="
        + maxMessageSize
        + ", connectTimeout="
        + connectTimeout
        + ", upgradeTimeout="
        + upgradeTimeout
        + ", maxPendingUpgrades="
        + maxPendingUpgrades
        + ", pingInterval="
        + pingInterval
        + ", pongTimeout="
        + pongTimeout
        + ", closeTimeout="
        + closeTimeout
        + ", tls="
        + (sslContext != null)
        + ", sharedEventLoopGroup="
        + (eventLoopGroup != null)
        + ", path="
        + path
        + ", allowedOrigins="
        + allowedOrigins
        + "]";
  }

  /** Builds {@link WebSocketOptions}; not thread-safe. Each setter checks its argument. */
  public static final class Builder {
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration upgradeTimeout = Duration.ofSeconds(10);
    private int maxPendingUpgrades = DEFAULT_MAX_PENDING_UPGRADES;
    private Duration pingInterval = Duration.ofSeconds(20);
    private Duration pongTimeout = Duration.ofSeconds(20);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private SslContext sslContext;
    private EventLoopGroup eventLoopGroup;
    private Executor handlerExecutor;
    private String path = "/";
    private Set<String> allowedOrigins = Set.of();

    private Builder() {}

    private Builder(WebSocketOptions o) {
      maxMessageSize = o.maxMessageSize;
      connectTimeout = o.connectTimeout;
      upgradeTimeout = o.upgradeTimeout;
      maxPendingUpgrades = o.maxPendingUpgrades;
      pingInterval = o.pingInterval;
      pongTimeout = o.pongTimeout;
      closeTimeout = o.closeTimeout;
      sslContext = o.sslContext;
      eventLoopGroup = o.eventLoopGroup;
      handlerExecutor = o.handlerExecutor;
      path = o.path;
      allowedOrigins = o.allowedOrigins;
    }

    /** See {@link WebSocketOptions#maxMessageSize()}; at least 1. */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxMessageSize must be at least 1: " + bytes);
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /** See {@link WebSocketOptions#connectTimeout()}; positive. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** See {@link WebSocketOptions#upgradeTimeout()}; positive. */
    public Builder upgradeTimeout(Duration timeout) {
      this.upgradeTimeout = positive("upgradeTimeout", timeout);
      return this;
    }

    /** See {@link WebSocketOptions#maxPendingUpgrades()}; at least 1. */
    public Builder maxPendingUpgrades(int connections) {
      if (connections < 1) {
        throw new IllegalArgumentException("maxPendingUpgrades must be at least 1: " + connections);
      }
      this.maxPendingUpgrades = connections;
      return this;
    }

    /** See {@link WebSocketOptions#pingInterval()}; zero disables keepalive. */
    public Builder pingInterval(Duration interval) {
      Objects.requireNonNull(interval, "pingInterval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("pingInterval must not be negative: " + interval);
      }
      this.pingInterval = interval;
      return this;
    }

    /** See {@link WebSocketOptions#pongTimeout()}; positive. */
    public Builder pongTimeout(Duration timeout) {
      this.pongTimeout = positive("pongTimeout", timeout);
      return this;
    }

    /** See {@link WebSocketOptions#closeTimeout()}; positive. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive("closeTimeout", timeout);
      return this;
    }

    /** See {@link WebSocketOptions#sslContext()}; {@code null} for none. */
    public Builder sslContext(@Nullable SslContext context) {
      this.sslContext = context;
      return this;
    }

    /**
     * See {@link WebSocketOptions#eventLoopGroup()}; {@code null} for an owned or default group.
     */
    public Builder eventLoopGroup(@Nullable EventLoopGroup group) {
      this.eventLoopGroup = group;
      return this;
    }

    /** See {@link WebSocketOptions#handlerExecutor()}; {@code null} for a server-owned pool. */
    public Builder handlerExecutor(@Nullable Executor executor) {
      this.handlerExecutor = executor;
      return this;
    }

    /** See {@link WebSocketOptions#path()}; must start with {@code /}. */
    public Builder path(String path) {
      Objects.requireNonNull(path, "path");
      if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
        throw new IllegalArgumentException(
            "path must start with '/' and have no query or fragment: " + path);
      }
      this.path = path;
      return this;
    }

    /**
     * See {@link WebSocketOptions#allowedOrigins()}; replaces the set. Each origin is a serialized
     * origin, {@code scheme://host[:port]} (compared case-insensitively), or {@code null} as some
     * browsers send for sandboxed pages; an empty collection allows none.
     */
    public Builder allowedOrigins(Collection<String> origins) {
      Objects.requireNonNull(origins, "allowedOrigins");
      Set<String> copy = new LinkedHashSet<>();
      for (String origin : origins) {
        if (origin == null) {
          throw new NullPointerException("allowedOrigins must not contain null");
        }
        String normalized = origin.trim().toLowerCase(Locale.ROOT);
        if (!normalized.equals("null") && !normalized.matches("[a-z][a-z0-9+.-]*://[^/?#\\s]+")) {
          throw new IllegalArgumentException(
              "allowedOrigins entries must be scheme://host[:port] with no path: " + origin);
        }
        copy.add(normalized);
      }
      this.allowedOrigins = Set.copyOf(copy);
      return this;
    }

    /** The options. */
    public WebSocketOptions build() {
      return new WebSocketOptions(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}

package dev.opendesk.auth;

import dev.opendesk.protocol.Connection;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opendesk handshakes: pairing with a 6-digit code on first contact, and authentication with
 * static keys on every reconnect (PROTOCOL.md §6). Each returns a future {@link Session} whose
 * {@link EncryptedConnection} carries the frames that follow.
 *
 * <p>Pairing runs {@link PairingMode#V2} (SPAKE2, PAIRING-V2.md) unless {@link
 * PairingMode#LEGACY_V1} is asked for explicitly, on the client with {@link #pairClient(Connection,
 * Identity, PairingCode, TrustedPeers, PairingMode)} and on the server by arming the {@link
 * PairingGate} for it. Neither side ever switches mode by itself: a v2 client facing a v1-only
 * server fails with {@code unsupported}, and so does a server whose code is armed for the other
 * mode. A server pairs legacy v1 only with a {@link Builder#approver PairingApprover} other than
 * the default, because legacy codes can be cracked offline. Authentication is the same after either
 * pairing.
 *
 * <pre>{@code
 * Handshake handshake = Handshake.builder().stepTimeout(Duration.ofSeconds(5)).build();
 *
 * // server: accepts reconnects from trusted peers, and one pairing while a code is armed
 * PairingGate pairing = new PairingGate();
 * pairing.arm(code, Duration.ofMinutes(2)); // pairing v2
 * Session s = handshake.serve(connection, identity, trustedPeers, pairing).join();
 *
 * // client: first contact (pairing v2), then later reconnects
 * Session paired = handshake.pairClient(connection, identity, code, trustedPeers).join();
 * Session again = handshake.authClient(otherConnection, identity, paired.remotePublicKey()).join();
 * }</pre>
 *
 * <p>Failures complete the future exceptionally with {@link AuthFailureException} (reason {@code
 * wrong_code}, {@code untrusted_peer}, {@code unexpected_peer}, {@code protocol}, {@code
 * unsupported} or {@code timeout}) and close the connection (WebSocket status 1008) without sending
 * anything more; a failure never writes trust. A trust store that cannot be read fails it with
 * {@link java.io.UncheckedIOException}. Every step waits at most the step timeout (default 10 s),
 * and so does the peer's first encrypted frame wherever {@link Session#trusted()} waits for it. CPU
 * work (PBKDF2, P-256, X25519) and trust-store I/O run on the handshake executor, never on the
 * thread that completed a transport future (default: a small shared pool of daemon threads).
 *
 * <p>Immutable and thread-safe: one instance can run any number of handshakes at once.
 */
public final class Handshake {

  private static final Logger log = LoggerFactory.getLogger(Handshake.class);

  /** Default time allowed for each handshake step. */
  public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(10);

  private static final Handshake DEFAULTS = builder().build();

  private final Duration stepTimeout;
  private final Executor executor;
  private final PairingApprover approver;
  private final EphemeralKeySource keySource;
  private final Function<PairingCode, byte[]> psk;
  private final Supplier<BigInteger> spakeScalars;

  private Handshake(Builder builder) {
    this.stepTimeout = builder.stepTimeout;
    this.executor = builder.executor != null ? builder.executor : HandshakeExecutor.shared();
    this.approver = builder.approver;
    this.keySource = builder.keySource;
    this.psk = builder.psk;
    this.spakeScalars = builder.spakeScalars;
  }

  /**
   * Handshakes with every default: 10 s steps, the shared executor, every v2 pairing approved and
   * legacy v1 pairing refused on the server (see {@link PairingApprover}).
   */
  public static Handshake defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- client side

  /**
   * Pairs as the client with {@code code} using pairing v2, without writing trust: the caller
   * stores {@link Session#remotePublicKey()} itself once {@link Session#trusted()} completes.
   */
  public CompletableFuture<Session> pairClient(
      Connection connection, Identity identity, PairingCode code) {
    return pairClient(connection, identity, code, null);
  }

  /**
   * Pairs as the client with {@code code} using pairing v2; the same as {@link
   * #pairClient(Connection, Identity, PairingCode, TrustedPeers, PairingMode)} with {@link
   * PairingMode#V2}.
   *
   * @param trustedPeers where to record the server, or {@code null}
   */
  public CompletableFuture<Session> pairClient(
      Connection connection,
      Identity identity,
      PairingCode code,
      @Nullable TrustedPeers trustedPeers) {
    return pairClient(connection, identity, code, trustedPeers, PairingMode.V2);
  }

  /**
   * Pairs as the client with {@code code} in {@code mode}: {@link PairingMode#V2} (PAIRING-V2.md)
   * or, for older servers only, {@link PairingMode#LEGACY_V1} (PROTOCOL.md §6.1). The server's key
   * is written to {@code trustedPeers} once the server's first encrypted message has opened and the
   * approver agreed (see {@link Session#trusted()}). In v2, a server that closes or answers with v1
   * fails the pairing with {@code unsupported}; the client never retries with v1 itself.
   *
   * @param trustedPeers where to record the server, or {@code null}
   */
  public CompletableFuture<Session> pairClient(
      Connection connection,
      Identity identity,
      PairingCode code,
      @Nullable TrustedPeers trustedPeers,
      PairingMode mode) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(mode, "mode");
    PairingFlavor flavor = PairingFlavor.of(mode);
    HandshakeIo io = new HandshakeIo(connection, this);
    return io.run(
        "pairing " + mode + " (client)", () -> flavor.initiate(io, identity, code, trustedPeers));
  }

  /**
   * Authenticates as the client to a server that must hold {@code expectedServerKey} (PROTOCOL.md
   * §6.2), e.g. {@link TrustedPeer#publicKey()} of a paired server.
   *
   * @throws IllegalArgumentException if {@code expectedServerKey} is not 32 bytes
   */
  public CompletableFuture<Session> authClient(
      Connection connection, Identity identity, byte[] expectedServerKey) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(expectedServerKey, "expectedServerKey");
    if (expectedServerKey.length != Identity.KEY_SIZE) {
      throw new IllegalArgumentException(
          "expectedServerKey: expected "
              + Identity.KEY_SIZE
              + " bytes, got "
              + expectedServerKey.length);
    }
    byte[] serverKey = expectedServerKey.clone();
    HandshakeIo io = new HandshakeIo(connection, this);
    return io.run("authentication (client)", () -> AuthV1.client(io, identity, serverKey));
  }

  /**
   * Authenticates as the client to the server holding {@code serverKey}, provided {@code
   * trustedPeers} trusts it as a {@link PeerRole#SERVER} (this side paired to it): a key that is
   * not there, or is there only as a client of this side's own server, fails with {@code
   * untrusted_peer} before anything is sent, and the connection is closed.
   *
   * @throws IllegalArgumentException if {@code serverKey} is not 32 bytes
   */
  public CompletableFuture<Session> authClient(
      Connection connection, Identity identity, TrustedPeers trustedPeers, byte[] serverKey) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(trustedPeers, "trustedPeers");
    byte[] key = serverKey.clone();
    TrustedPeer.hex(key); // validates the length before anything runs
    HandshakeIo io = new HandshakeIo(connection, this);
    return io.run(
        "authentication (client)",
        () ->
            CompletableFuture.runAsync(
                    () -> {
                      io.skipIfOverloaded("the trust check");
                      AuthV1.requireTrustedServer(trustedPeers, key);
                    },
                    io.executor())
                .thenCompose(trusted -> AuthV1.client(io, identity, key)));
  }

  // ---------------------------------------------------------------- server side

  /**
   * Serves one pairing on this connection and nothing else, with the code armed on {@code pairing}
   * for the mode it was armed for. The code is taken from the gate by this connection's pairing
   * hello, whatever its outcome, so calling this for every incoming connection with one gate gives
   * an attacker one guess per armed code, not one per connection. A pairing hello of the other mode
   * fails with {@code unsupported}, any other first message (or a gate with no code armed) with
   * {@code protocol}, and nothing is sent. The client's key is written to {@code trustedPeers} once
   * its first encrypted message has opened and the approver agreed. To accept both reconnects and
   * pairings on a listening server, use {@link #serve}.
   *
   * @param trustedPeers where to record the client, or {@code null} to leave it to the caller
   * @param pairing the gate holding the armed code
   */
  public CompletableFuture<Session> pairServer(
      Connection connection,
      Identity identity,
      @Nullable TrustedPeers trustedPeers,
      PairingGate pairing) {
    Objects.requireNonNull(pairing, "pairing");
    return dispatch(connection, identity, trustedPeers, pairing, false, null);
  }

  /**
   * Serves one authentication: the client must be in {@code trustedPeers}. A pairing attempt fails
   * with {@code protocol}.
   */
  public CompletableFuture<Session> authServer(
      Connection connection, Identity identity, TrustedPeers trustedPeers) {
    Objects.requireNonNull(trustedPeers, "trustedPeers");
    return dispatch(connection, identity, trustedPeers, null, true, null);
  }

  /**
   * Serves one connection as PROTOCOL.md §6.3 and PAIRING-V2.md describe: reads the first handshake
   * message and dispatches on its kind. {@code auth_hello} authenticates against {@code
   * trustedPeers}. A pairing hello ({@code pair2_hello} or {@code pair_hello}) takes {@code
   * pairing}'s armed code (one-shot: consumed whatever the outcome) and pairs, provided the code
   * was armed for that hello's {@link PairingMode}; a hello of the other mode fails with {@code
   * unsupported}, and with no code armed it fails with {@code protocol}, in both cases without
   * sending anything. A newly paired client is written to {@code trustedPeers} once its first
   * message has opened and the approver agreed.
   *
   * @param pairing the armed pairing code, or {@code null} to refuse every pairing
   */
  public CompletableFuture<Session> serve(
      Connection connection,
      Identity identity,
      TrustedPeers trustedPeers,
      @Nullable PairingGate pairing) {
    return serve(connection, identity, trustedPeers, pairing, null);
  }

  /**
   * As {@link #serve(Connection, Identity, TrustedPeers, PairingGate)}, telling {@code
   * onWellFormedHello} (if not null) as soon as the first message has proved to be a handshake
   * hello this server understands ({@link HandshakeAdmission} keeps such connections longest).
   */
  CompletableFuture<Session> serve(
      Connection connection,
      Identity identity,
      TrustedPeers trustedPeers,
      @Nullable PairingGate pairing,
      @Nullable Runnable onWellFormedHello) {
    Objects.requireNonNull(trustedPeers, "trustedPeers");
    return dispatch(connection, identity, trustedPeers, pairing, true, onWellFormedHello);
  }

  private CompletableFuture<Session> dispatch(
      Connection connection,
      Identity identity,
      @Nullable TrustedPeers trustedPeers,
      @Nullable PairingGate pairing,
      boolean allowAuth,
      @Nullable Runnable onWellFormedHello) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(identity, "identity");
    HandshakeIo io = new HandshakeIo(connection, this);
    return io.run(
        "handshake (server)",
        () ->
            io.receive("the first handshake message")
                .thenCompose(
                    hello -> {
                      if (onWellFormedHello != null && isHello(HandshakeMessages.kind(hello))) {
                        onWellFormedHello.run();
                      }
                      return respond(io, identity, trustedPeers, pairing, allowAuth, hello);
                    }));
  }

  private static boolean isHello(String kind) {
    return HandshakeMessages.AUTH_HELLO.equals(kind) || PairingFlavor.forHelloKind(kind) != null;
  }

  private static CompletableFuture<Session> respond(
      HandshakeIo io,
      Identity identity,
      TrustedPeers trustedPeers,
      PairingGate pairing,
      boolean allowAuth,
      Map<String, Object> hello) {
    String kind = HandshakeMessages.kind(hello);
    if (HandshakeMessages.AUTH_HELLO.equals(kind)) {
      if (!allowAuth) {
        throw HandshakeMessages.protocol("expected a pairing hello, got auth_hello");
      }
      return AuthV1.server(io, identity, hello, trustedPeers);
    }
    PairingFlavor flavor = PairingFlavor.forHelloKind(kind);
    if (flavor == null) {
      throw HandshakeMessages.protocol(
          "unexpected first handshake message kind \""
              + PeerText.printable(kind, PeerText.MAX_KIND)
              + "\"");
    }
    PairingGate.ArmedCode armed = pairing == null ? null : pairing.take();
    if (armed == null) {
      throw HandshakeMessages.protocol(kind + " while no pairing code is armed");
    }
    if (armed.flavor() != flavor) {
      throw new AuthFailureException(
          AuthFailureException.Reason.UNSUPPORTED,
          "the pairing code is armed for "
              + armed.flavor().mode()
              + " pairing, the client sent "
              + kind);
    }
    if (flavor == PairingFlavor.V1
        && !UnconfirmedApproval.confirmsLegacy(io.settings().approver())) {
      // Whoever receives pair_offer can crack the code offline; with nobody comparing
      // fingerprints the attacker would be trusted unseen. Refuse before sending anything.
      log.error(
          "legacy v1 pairing refused: a server needs a PairingApprover that has the user compare"
              + " fingerprints (Handshake.builder().approver(...)), or the explicit"
              + " PairingApprover.insecureApproveAllIncludingLegacyV1()");
      throw new AuthFailureException(
          AuthFailureException.Reason.UNSUPPORTED,
          "legacy v1 pairing needs a PairingApprover on this server; the code is consumed");
    }
    return flavor.respond(io, identity, hello, armed.code(), trustedPeers);
  }

  // ---------------------------------------------------------------- settings

  /** The time allowed for each handshake step. */
  public Duration stepTimeout() {
    return stepTimeout;
  }

  Executor executor() {
    return executor;
  }

  PairingApprover approver() {
    return approver;
  }

  EphemeralKeySource keySource() {
    return keySource;
  }

  byte[] psk(PairingCode code) {
    return psk.apply(code);
  }

  /** A fresh SPAKE2 secret scalar (x or y), uniform in [1, n−1]. */
  BigInteger spakeScalar() {
    return spakeScalars.get();
  }

  /** A builder for {@link Handshake}. Not thread-safe. */
  public static final class Builder {
    private Duration stepTimeout = DEFAULT_STEP_TIMEOUT;
    private Executor executor;
    private PairingApprover approver = PairingApprover.approveAll();
    private EphemeralKeySource keySource = EphemeralKeySource.secure();
    private Function<PairingCode, byte[]> psk = KeySchedule::psk;
    private Supplier<BigInteger> spakeScalars = () -> Spake2.randomScalar(Entropy.RANDOM);

    private Builder() {}

    /**
     * The time allowed for each step (each awaited handshake message); default 10 s.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder stepTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("stepTimeout must be positive: " + timeout);
      }
      this.stepTimeout = timeout;
      return this;
    }

    /**
     * Where handshake CPU work (PBKDF2, P-256, X25519) and trust-store I/O run; default a small
     * shared pool of daemon threads with a bounded queue. Must not be a transport event loop. A
     * step it refuses ({@link java.util.concurrent.RejectedExecutionException}) fails that
     * handshake with {@code timeout} and closes its connection; nothing runs on the caller's
     * thread.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Decides on each new pairing before the peer is trusted (see {@link PairingApprover}); default
     * {@link PairingApprover#approveAll()}: every v2 pairing that completed the handshake is
     * approved, and a server refuses legacy v1 pairing. A server that arms legacy codes needs an
     * approver that has the user compare fingerprints.
     */
    public Builder approver(PairingApprover approver) {
      this.approver = Objects.requireNonNull(approver, "approver");
      return this;
    }

    /** Test hook: fixed ephemeral keys to reproduce vectors. */
    Builder keySource(EphemeralKeySource keySource) {
      this.keySource = Objects.requireNonNull(keySource, "keySource");
      return this;
    }

    /** Test hook: a cached PSK derivation so tests need not run PBKDF2 again and again. */
    Builder psk(Function<PairingCode, byte[]> psk) {
      this.psk = Objects.requireNonNull(psk, "psk");
      return this;
    }

    /** Test hook: fixed SPAKE2 scalars (x, y) to reproduce vectors. */
    Builder spakeScalars(Supplier<BigInteger> spakeScalars) {
      this.spakeScalars = Objects.requireNonNull(spakeScalars, "spakeScalars");
      return this;
    }

    /** The configured handshakes. */
    public Handshake build() {
      return new Handshake(this);
    }
  }
}

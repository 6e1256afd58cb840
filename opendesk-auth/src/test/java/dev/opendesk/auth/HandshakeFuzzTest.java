package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.Failures;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.testing.FuzzBudget;
import dev.opendesk.protocol.testing.RobustnessFigures;
import dev.opendesk.protocol.testing.WireMutator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes each handshake role with mutations of valid traffic. A valid exchange is recorded once
 * with fixed static and ephemeral keys; each try replays the other side's messages to the role
 * under test over a {@link LoopbackConnection}, one of them mutated ({@link WireMutator}). Because
 * the role uses the same fixed keys, an unmutated replay succeeds, so every failure is the
 * mutation's doing.
 *
 * <p>Properties, for every try: the role's future completes within the step timeout (nothing hangs,
 * no {@code timeout} either, since the replay never stalls); it either succeeds or fails with
 * {@link AuthFailureException} whose reason is one the role documents; and after a failure the
 * connection is closed on both ends. Nothing else may escape.
 *
 * <p>A new handshake flavour (pairing v2) is one more {@link RoleUnderTest} in {@link #roles()}: a
 * recorded exchange, how to start the role on a connection, and its documented reasons.
 */
@Timeout(120)
class HandshakeFuzzTest {

  private static final Duration STEP = Duration.ofSeconds(5);
  private static final int TRIES_PER_SEED = 10;
  private static final PairingCode CODE = PairingCode.parse("424242");

  private static final byte[] CLIENT_STATIC =
      KeySchedule.sha256(bytes("opendesk-fuzz/client_static"));
  private static final byte[] SERVER_STATIC =
      KeySchedule.sha256(bytes("opendesk-fuzz/server_static"));
  private static final byte[] CLIENT_EPHEMERAL =
      KeySchedule.sha256(bytes("opendesk-fuzz/client_ephemeral"));
  private static final byte[] SERVER_EPHEMERAL =
      KeySchedule.sha256(bytes("opendesk-fuzz/server_ephemeral"));

  private static final Identity CLIENT = Identity.fromPrivateKey(CLIENT_STATIC);
  private static final Identity SERVER = Identity.fromPrivateKey(SERVER_STATIC);

  private static final RobustnessFigures FIGURES = new RobustnessFigures("handshake");

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Handshakes whose every ephemeral key is {@code privateKey} (a fresh copy each time: handshakes
   * wipe theirs).
   */
  private static Handshake withEphemeral(byte[] privateKey, BigInteger spakeScalar) {
    return TestKeys.fast()
        .stepTimeout(STEP)
        .keySource(() -> X25519KeyPair.fromPrivateKey(privateKey))
        .spakeScalars(() -> spakeScalar)
        .build();
  }

  // Fixed ephemerals and SPAKE2 scalars, so that a role replays the recorded exchange exactly.
  private static final Handshake CLIENT_SIDE =
      withEphemeral(
          CLIENT_EPHEMERAL, new BigInteger(1, KeySchedule.sha256(bytes("opendesk-fuzz/spake2-x"))));
  private static final Handshake SERVER_SIDE =
      withEphemeral(
          SERVER_EPHEMERAL, new BigInteger(1, KeySchedule.sha256(bytes("opendesk-fuzz/spake2-y"))));

  private static TrustedPeers trusting(Identity peer) {
    try {
      TrustedPeers trusted = TrustedPeers.inMemory();
      trusted.put(TrustedPeer.of(peer.publicKey(), "fuzz"));
      return trusted;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static PairingGate armed(PairingMode mode) {
    PairingGate gate = new PairingGate();
    gate.arm(CODE, mode, Duration.ofMinutes(10));
    return gate;
  }

  // ---------------------------------------------------------------- roles

  /** One message of a recorded exchange: who sent it, and its bytes. */
  record Message(boolean fromClient, byte[] bytes) {}

  /**
   * A handshake role to fuzz.
   *
   * @param name shown in the test name
   * @param client whether the role is the client (the driver then plays the server)
   * @param transcript a valid exchange in wire order, recorded with the fixed keys
   * @param start starts the role on its end of a fresh connection
   * @param documented the failure reasons the role may report
   */
  record RoleUnderTest(
      String name,
      boolean client,
      List<Message> transcript,
      Function<Connection, CompletableFuture<Session>> start,
      Set<AuthFailureException.Reason> documented) {
    @Override
    public String toString() {
      return name;
    }
  }

  // Recorded lazily, not in the static initializer: the handshakes run lambdas of this class on
  // executor threads, which would block on the class's initialization lock.
  private static List<RoleUnderTest> roles;

  static synchronized List<RoleUnderTest> roles() {
    if (roles == null) {
      roles = recordRoles();
    }
    return roles;
  }

  private static List<RoleUnderTest> recordRoles() {
    List<Message> auth =
        record(
            c -> CLIENT_SIDE.authClient(c, CLIENT, SERVER.publicKey()),
            s -> SERVER_SIDE.serve(s, SERVER, trusting(CLIENT), null));
    AuthFailureException.Reason protocol = AuthFailureException.Reason.PROTOCOL;
    List<RoleUnderTest> roles = new ArrayList<>();
    for (PairingMode mode : PairingMode.values()) {
      String flavour = mode == PairingMode.V2 ? "pair v2" : "pair v1";
      List<Message> pairing =
          record(
              c -> CLIENT_SIDE.pairClient(c, CLIENT, CODE, TrustedPeers.inMemory(), mode),
              s -> SERVER_SIDE.serve(s, SERVER, TrustedPeers.inMemory(), armed(mode)));
      // A v2 client reads a close or a v1 offer in reply to its hello as "unsupported".
      roles.add(
          new RoleUnderTest(
              flavour + " client",
              true,
              pairing,
              c -> CLIENT_SIDE.pairClient(c, CLIENT, CODE, TrustedPeers.inMemory(), mode),
              EnumSet.of(
                  protocol,
                  AuthFailureException.Reason.WRONG_CODE,
                  AuthFailureException.Reason.UNSUPPORTED)));
      // serve() with a code armed and the client trusted: a hello mutated into another kind
      // reaches the authentication or the flavour check too.
      roles.add(
          new RoleUnderTest(
              flavour + " server",
              false,
              pairing,
              s -> SERVER_SIDE.serve(s, SERVER, trusting(CLIENT), armed(mode)),
              EnumSet.of(
                  protocol,
                  AuthFailureException.Reason.WRONG_CODE,
                  AuthFailureException.Reason.UNSUPPORTED,
                  AuthFailureException.Reason.UNTRUSTED_PEER)));
    }
    roles.add(
        new RoleUnderTest(
            "auth client",
            true,
            auth,
            c -> CLIENT_SIDE.authClient(c, CLIENT, SERVER.publicKey()),
            EnumSet.of(
                protocol,
                AuthFailureException.Reason.UNTRUSTED_PEER,
                AuthFailureException.Reason.UNEXPECTED_PEER)));
    roles.add(
        new RoleUnderTest(
            "auth server",
            false,
            auth,
            s -> SERVER_SIDE.serve(s, SERVER, trusting(CLIENT), null),
            EnumSet.of(protocol, AuthFailureException.Reason.UNTRUSTED_PEER)));
    return List.copyOf(roles);
  }

  /**
   * Runs one valid exchange and returns its messages in wire order (handshakes alternate, client
   * first).
   */
  private static List<Message> record(
      Function<Connection, CompletableFuture<Session>> client,
      Function<Connection, CompletableFuture<Session>> server) {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    RecordingConnection serverEnd = new RecordingConnection(link.second());
    CompletableFuture<Session> s = server.apply(serverEnd);
    CompletableFuture<Session> c = client.apply(clientEnd);
    Await.result(c).connection().close();
    Await.result(s).connection().close();
    List<Message> transcript = new ArrayList<>();
    List<byte[]> fromClient = clientEnd.sent();
    List<byte[]> fromServer = serverEnd.sent();
    for (int i = 0; i < Math.max(fromClient.size(), fromServer.size()); i++) {
      if (i < fromClient.size()) {
        transcript.add(new Message(true, fromClient.get(i)));
      }
      if (i < fromServer.size()) {
        transcript.add(new Message(false, fromServer.get(i)));
      }
    }
    return List.copyOf(transcript);
  }

  static Stream<Arguments> rolesAndSeeds() {
    return roles().stream()
        .flatMap(role -> FuzzBudget.seeds(25).mapToObj(seed -> Arguments.of(role, seed)));
  }

  @AfterAll
  static void writeFigures() {
    FIGURES.write();
  }

  // ---------------------------------------------------------------- properties

  @ParameterizedTest(name = "{0}")
  @MethodSource("roles")
  void unmutatedReplayCompletesTheHandshake(RoleUnderTest role) throws Exception {
    Outcome outcome = runOnce(role, role.transcript());
    assertThat(outcome.failure()).as("replay of the recorded exchange").isNull();
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("rolesAndSeeds")
  void mutatedIncomingMessageSucceedsOrFailsWithADocumentedReasonAndCloses(
      RoleUnderTest role, long seed) throws Exception {
    // The role's name joins the seed so the roles do not all see the same mutation sequence.
    Random random = new Random(seed * 31 + role.name().hashCode());
    WireMutator mutator = new WireMutator(random);
    RobustnessFigures.Row row =
        FIGURES.row("handshake", role.name() + ": one incoming message mutated");
    List<Integer> incoming = new ArrayList<>();
    for (int i = 0; i < role.transcript().size(); i++) {
      if (role.transcript().get(i).fromClient() != role.client()) {
        incoming.add(i);
      }
    }
    for (int t = 0; t < TRIES_PER_SEED; t++) {
      List<Message> traffic = new ArrayList<>(role.transcript());
      int at = incoming.get(random.nextInt(incoming.size()));
      traffic.set(
          at, new Message(traffic.get(at).fromClient(), mutator.mutate(traffic.get(at).bytes())));
      row.tried();
      Outcome outcome = runOnce(role, traffic);
      if (outcome.failure() == null) {
        row.accepted();
        continue;
      }
      Throwable failure = outcome.failure();
      if (!(failure instanceof AuthFailureException auth)) {
        row.lost();
        throw new AssertionError(role + " try " + t + ": untyped failure", failure);
      }
      row.rejected(auth.reason().wire());
      assertThat(role.documented())
          .as("%s try %d: %s", role, t, auth.getMessage())
          .contains(auth.reason());
      assertThat(auth.getMessage()).isNotBlank();
      assertThat(outcome.roleEnd().isOpen())
          .as("%s try %d: role's end closed after %s", role, t, auth.reason())
          .isFalse();
      assertThat(outcome.driverSawClose())
          .as("%s try %d: the other end saw the close", role, t)
          .isTrue();
      row.closed();
    }
  }

  @Test
  void everyRoleHasAtLeastOneIncomingMessage() {
    for (RoleUnderTest role : roles()) {
      assertThat(role.transcript()).as(role.name()).anyMatch(m -> m.fromClient() != role.client());
    }
  }

  // ---------------------------------------------------------------- driver

  /**
   * What one run produced: the role's failure ({@code null} on success), its end, and whether the
   * other end saw a close.
   */
  record Outcome(Throwable failure, Connection roleEnd, boolean driverSawClose) {}

  /**
   * Starts the role on one end and plays {@code traffic} from the other: each message of the other
   * side is sent, each of the role's is received; a receive that fails (the role closed) ends the
   * script. Then waits for the role's outcome, bounded.
   */
  static Outcome runOnce(RoleUnderTest role, List<Message> traffic) throws Exception {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    Connection roleEnd = link.first();
    Connection driver = link.second();
    CompletableFuture<Session> result = role.start().apply(roleEnd);
    long limit = STEP.toMillis() + 2_000;
    try {
      for (Message m : traffic) {
        if (m.fromClient() == role.client()) {
          try {
            driver.receive().get(limit, TimeUnit.MILLISECONDS);
          } catch (ExecutionException closed) {
            break;
          }
        } else {
          driver.send(m.bytes()).get(limit, TimeUnit.MILLISECONDS);
        }
      }
      Session session;
      try {
        session = result.get(limit, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        Throwable cause = Failures.unwrap(e.getCause());
        if (cause instanceof AuthFailureException a
            && a.reason() == AuthFailureException.Reason.TIMEOUT) {
          fail(role + ": a step timed out although the replay never stalls: " + a.getMessage());
        }
        boolean sawClose;
        try {
          driver.closeFuture().handle((v, error) -> null).get(limit, TimeUnit.MILLISECONDS);
          sawClose = true;
        } catch (TimeoutException notClosed) {
          sawClose = false;
        }
        return new Outcome(cause, roleEnd, sawClose);
      } catch (TimeoutException e) {
        return fail(role + ": the handshake hung (no outcome within " + limit + " ms)");
      }
      session.connection().close();
      return new Outcome(null, roleEnd, false);
    } finally {
      driver.close();
    }
  }
}

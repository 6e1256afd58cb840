package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.Cancel;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.Frame;
import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Req;
import dev.opendesk.protocol.Res;
import dev.opendesk.protocol.Role;
import dev.opendesk.protocol.testing.DecodeBombs;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad inputs of the robustness catalogue (docs/robustness.md) that reach a started {@link
 * Peer}: each closes the peer with a {@code protocol} error naming the problem and fails its
 * pending calls, or is ignored while the peer serves on, as PROTOCOL.md §3 says.
 */
@Timeout(30)
class PeerBadInputTest {

  private static final FrameCodec CODEC = FrameCodec.standard();
  private static final long WAIT_MS = 10_000;

  private final CountDownLatch release = new CountDownLatch(1);
  private Peer peer;
  private LoopbackConnection raw;

  @AfterEach
  void close() {
    release.countDown();
    if (peer != null) {
      peer.close();
    }
    if (raw != null) {
      raw.close();
    }
  }

  private Dispatcher dispatcher() {
    return Dispatcher.builder()
        .unary("echo", (ctx, params) -> params)
        .unary(
            "hold",
            (ctx, params) -> {
              release.await();
              return Map.of();
            })
        .build();
  }

  /** A peer with {@code role} facing the raw end; HELLOs exchanged only if {@code hello}. */
  private void open(Role role, boolean hello) throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    peer = Peer.builder(pair.first(), role).dispatcher(dispatcher()).build();
    raw = pair.second();
    if (hello) {
      CompletableFuture<Hello> exchanged = peer.hello();
      send(Hello.of(role == Role.SERVER ? Role.CLIENT : Role.SERVER));
      assertThat(receive()).isInstanceOf(Hello.class);
      exchanged.get(WAIT_MS, TimeUnit.MILLISECONDS);
      peer.start();
    }
  }

  private void send(Frame frame) throws Exception {
    sendBytes(CODEC.encode(frame));
  }

  private void sendBytes(byte[] bytes) throws Exception {
    raw.send(bytes).get(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  private Frame receive() throws Exception {
    return CODEC.decode(raw.receive().get(WAIT_MS, TimeUnit.MILLISECONDS));
  }

  private ProtocolException closeCause() throws Exception {
    try {
      peer.closeFuture().get(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ProtocolException.class);
      return (ProtocolException) e.getCause();
    }
    throw new AssertionError("the peer closed without an error");
  }

  private void assertServesOn() throws Exception {
    send(Req.unary(900, "echo", Map.of("still", "here")));
    Frame answer = receive();
    assertThat(answer).isEqualTo(Res.ok(900, Map.of("still", "here")));
    assertThat(peer.isOpen()).isTrue();
  }

  // ------------------------------------------------------------------ ids

  @Test
  void duplicateCallIdWhileInFlightClosesWithProtocol() throws Exception {
    open(Role.SERVER, true);
    send(Req.unary(5, "hold", Map.of()));
    send(Req.unary(5, "echo", Map.of()));
    ProtocolException cause = closeCause();
    assertThat(cause.code()).isEqualTo("protocol");
    assertThat(cause.errorMessage()).contains("call id 5 reused while in flight");
  }

  @Test
  void callIdReusedAfterItsCallEndedIsServedAgain() throws Exception {
    open(Role.SERVER, true);
    send(Req.unary(5, "echo", Map.of("n", 1L)));
    assertThat(receive()).isEqualTo(Res.ok(5, Map.of("n", 1L)));
    send(Req.unary(5, "echo", Map.of("n", 2L)));
    assertThat(receive()).isEqualTo(Res.ok(5, Map.of("n", 2L)));
  }

  @Test
  void cancelForAnUnknownIdIsIgnored() throws Exception {
    open(Role.SERVER, true);
    send(new Cancel(77, "never called"));
    assertServesOn();
  }

  @Test
  void finalResForAnUnknownIdIsIgnoredByAServer() throws Exception {
    open(Role.SERVER, true);
    send(Res.ok(1234, Map.of()));
    send(Res.item(1235, 0, Map.of()));
    assertServesOn();
  }

  // ------------------------------------------------------------------ HELLO order

  @Test
  void secondHelloClosesWithProtocol() throws Exception {
    open(Role.SERVER, true);
    send(Hello.of(Role.CLIENT));
    ProtocolException cause = closeCause();
    assertThat(cause.code()).isEqualTo("protocol");
    assertThat(cause.errorMessage()).contains("second HELLO");
  }

  @Test
  void reqBeforeHelloFailsTheHelloWithProtocolAndCloses() throws Exception {
    open(Role.SERVER, false);
    CompletableFuture<Hello> hello = peer.receiveHello();
    send(Req.unary(1, "echo", Map.of()));
    try {
      hello.get(WAIT_MS, TimeUnit.MILLISECONDS);
      throw new AssertionError("HELLO exchange succeeded");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ProtocolException.class);
      assertThat(((ProtocolException) e.getCause()).code()).isEqualTo("protocol");
      assertThat(e.getCause()).hasMessageContaining("expected HELLO as the first frame, got req");
    }
    assertThat(peer.isOpen()).isFalse();
    assertThat(raw.closeFuture()).succeedsWithin(java.time.Duration.ofSeconds(10));
  }

  // ------------------------------------------------------------------ frames that do not decode

  static Stream<Arguments> undecodableFrames() {
    return Stream.of(
        Arguments.of("not a map", hex("93010203"), "not a map"),
        Arguments.of(
            "unknown type", map("v", 1L, "type", "bogus", "id", 1L), "frame.type: unknown type"),
        Arguments.of("v is 2", map("v", 2L, "type", "req", "id", 1L, "method", "echo"), "frame.v"),
        Arguments.of(
            "missing id", map("v", 1L, "type", "req", "method", "echo"), "req.id: missing"),
        Arguments.of(
            "id is a str", map("v", 1L, "type", "req", "id", "1", "method", "echo"), "req.id"),
        Arguments.of(
            "negative id", map("v", 1L, "type", "req", "id", -1L, "method", "echo"), "req.id"),
        Arguments.of(
            "id beyond 2^63-1",
            map("v", 1L, "type", "cancel", "id", new java.math.BigInteger("18446744073709551615")),
            "cancel.id: out of range"),
        Arguments.of(
            "method is bin",
            map("v", 1L, "type", "req", "id", 1L, "method", new byte[] {'e'}),
            "req.method"),
        Arguments.of(
            "params is nil",
            map("v", 1L, "type", "req", "id", 1L, "method", "echo", "params", null),
            "req.params"),
        // {"v":1,"type":"push","topic":<str 0xc3 0x28>}: a str that is not UTF-8.
        Arguments.of(
            "non-UTF-8 str",
            hex("83a17601a474797065a470757368a5746f706963a2c328"),
            "not valid UTF-8"),
        // {"v":1,"type":"push","payload":[[[...]]]}: 100 levels of arrays.
        Arguments.of("deep nesting", deep(100), "nesting deeper than 64"),
        // {"v":1,"p":<array32 of 4 294 967 294 elements>}: a length header far beyond the message.
        Arguments.of(
            "huge array header",
            hex("82a17601a170ddfffffffe01"),
            "a length header claims 4294967294"),
        Arguments.of(
            "huge bin header",
            hex("82a17601a170c6ffffffff00"),
            "a length header claims 4294967295"),
        Arguments.of("huge str header", hex("82a17601a170da7fff61"), "claims at least"),
        Arguments.of(
            "15 MiB of empty maps in params",
            DecodeBombs.reqWithEmptyMaps(15 * 1024 * 1024),
            "maps and arrays"),
        Arguments.of("truncated", hex("84a17601a474797065a3726571a26964"), "malformed msgpack"),
        Arguments.of(
            "trailing bytes",
            concat(map("v", 1L, "type", "cancel", "id", 1L), hex("c0")),
            "trailing bytes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("undecodableFrames")
  void undecodableFrameClosesWithProtocolNamingTheProblemAndFailsPendingCalls(
      String name, byte[] frame, String problem) throws Exception {
    open(Role.CLIENT, true);
    CompletableFuture<Map<String, Object>> pending = peer.call("anything", Map.of());
    assertThat(receive()).isInstanceOf(Req.class);

    sendBytes(frame);

    ProtocolException cause = closeCause();
    assertThat(cause.code()).isEqualTo("protocol");
    assertThat(cause.errorMessage()).contains(problem);
    assertThat(pending)
        .failsWithin(java.time.Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ConnectionClosedException.class);
    assertThat(raw.closeFuture()).succeedsWithin(java.time.Duration.ofSeconds(10));
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static byte[] map(Object... keyValues) {
    Map<String, Object> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return FrameCodec.withLimits(FrameCodec.DEFAULT_MAX_MESSAGE_SIZE, 1024).encodeMap(map);
  }

  private static byte[] deep(int levels) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(hex("83a17601a474797065a470757368a77061796c6f6164"));
    for (int i = 0; i < levels; i++) {
      out.write(0x91);
    }
    out.write(0x01);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

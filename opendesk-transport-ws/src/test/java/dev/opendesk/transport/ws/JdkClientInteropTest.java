package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.ConnectionClosedException;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our server against an independent RFC 6455 implementation: the JDK's {@code java.net.http}
 * WebSocket client. Also the vantage point for close status codes our own client does not expose.
 */
class JdkClientInteropTest {

  private static final int LIMIT = 4096;
  private static AcceptingServer server;
  private static HttpClient http;
  private WebSocket webSocket;

  @BeforeAll
  static void start() throws Exception {
    server =
        new AcceptingServer(
            WebSocketOptions.builder()
                .maxMessageSize(LIMIT)
                .closeTimeout(Duration.ofSeconds(2))
                .build());
    http = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void abortClient() {
    if (webSocket != null) {
      webSocket.abort();
    }
  }

  /** Collects what the JDK client receives: whole binary messages, and the close status. */
  private static final class Recorder implements WebSocket.Listener {
    final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeStatus = new CompletableFuture<>();
    final AtomicInteger pings = new AtomicInteger();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      partial.writeBytes(chunk);
      if (last) {
        messages.add(partial.toByteArray());
        partial.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
      pings.incrementAndGet();
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeStatus.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closeStatus.completeExceptionally(error);
    }
  }

  private Recorder connect() throws Exception {
    Recorder recorder = new Recorder();
    webSocket =
        http.newWebSocketBuilder().buildAsync(server.uri(), recorder).get(10, TimeUnit.SECONDS);
    return recorder;
  }

  private static byte[] bytes(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  @Test
  void jdkClientExchangesBinaryMessagesWithOurServer() throws Exception {
    Recorder recorder = connect();
    WebSocketConnection accepted = server.accepted();
    try {
      webSocket.sendBinary(ByteBuffer.wrap(bytes(300, 1)), true).get(10, TimeUnit.SECONDS);
      assertThat(accepted.receive().get(10, TimeUnit.SECONDS)).isEqualTo(bytes(300, 1));
      accepted.send(bytes(2000, 2)).get(10, TimeUnit.SECONDS);
      assertThat(recorder.messages.poll(10, TimeUnit.SECONDS)).isEqualTo(bytes(2000, 2));
    } finally {
      accepted.close();
    }
    assertThat(recorder.closeStatus.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
  }

  @Test
  void jdkClientCloseIsAnOrderlyCloseForOurServer() throws Exception {
    connect();
    WebSocketConnection accepted = server.accepted();
    CompletableFuture<byte[]> pending = accepted.receive();
    webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    accepted.closeFuture().get(10, TimeUnit.SECONDS);
    assertThat(accepted.closeFuture()).isCompleted().isNotCompletedExceptionally();
    assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void textMessageIsRejectedWith1003AndFailsReceiveSayingWhy() throws Exception {
    Recorder recorder = connect();
    WebSocketConnection accepted = server.accepted();
    webSocket.sendText("hello", true).get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> accepted.receive().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("text message")
        .hasMessageContaining("1003");
    assertThat(recorder.closeStatus.get(10, TimeUnit.SECONDS)).isEqualTo(1003);
    assertThatThrownBy(() -> accepted.closeFuture().get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void binaryMessagesBeforeATextMessageAreStillDelivered() throws Exception {
    connect();
    WebSocketConnection accepted = server.accepted();
    webSocket.sendBinary(ByteBuffer.wrap(bytes(10, 3)), true).get(10, TimeUnit.SECONDS);
    webSocket.sendText("not allowed", true).get(10, TimeUnit.SECONDS);
    accepted.closeFuture().handle((v, t) -> null).get(10, TimeUnit.SECONDS);
    assertThat(accepted.receive().get(10, TimeUnit.SECONDS)).isEqualTo(bytes(10, 3));
    assertThatThrownBy(() -> accepted.receive().get(10, TimeUnit.SECONDS))
        .cause()
        .hasMessageContaining("text message");
  }

  @Test
  void fragmentedMessageIsReassembled() throws Exception {
    connect();
    WebSocketConnection accepted = server.accepted();
    try {
      webSocket.sendBinary(ByteBuffer.wrap(bytes(100, 1)), false).get(10, TimeUnit.SECONDS);
      webSocket.sendBinary(ByteBuffer.wrap(bytes(200, 2)), false).get(10, TimeUnit.SECONDS);
      webSocket.sendBinary(ByteBuffer.wrap(bytes(300, 3)), true).get(10, TimeUnit.SECONDS);
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.writeBytes(bytes(100, 1));
      expected.writeBytes(bytes(200, 2));
      expected.writeBytes(bytes(300, 3));
      assertThat(accepted.receive().get(10, TimeUnit.SECONDS)).isEqualTo(expected.toByteArray());
    } finally {
      accepted.close();
    }
  }

  @Test
  void singleFrameOverLimitClosesWith1009() throws Exception {
    Recorder recorder = connect();
    WebSocketConnection accepted = server.accepted();
    webSocket.sendBinary(ByteBuffer.wrap(new byte[LIMIT + 1]), true).get(10, TimeUnit.SECONDS);
    assertThat(recorder.closeStatus.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    assertThatThrownBy(() -> accepted.receive().get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("larger than " + LIMIT);
  }

  @Test
  void fragmentedMessageOverLimitClosesWith1009() throws Exception {
    Recorder recorder = connect();
    WebSocketConnection accepted = server.accepted();
    webSocket.sendBinary(ByteBuffer.wrap(new byte[LIMIT / 2]), false).get(10, TimeUnit.SECONDS);
    webSocket.sendBinary(ByteBuffer.wrap(new byte[LIMIT / 2]), false).get(10, TimeUnit.SECONDS);
    webSocket.sendBinary(ByteBuffer.wrap(new byte[1]), true);
    assertThat(recorder.closeStatus.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    assertThatThrownBy(() -> accepted.receive().get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("larger than " + LIMIT);
  }
}

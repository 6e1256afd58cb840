package dev.opendesk.transport.ws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Test fixture: a hand-rolled WebSocket peer on a plain socket, for behaviour our own client and
 * server never show (going silent, resetting the connection).
 */
final class RawPeer implements AutoCloseable {

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  final Socket socket;

  private RawPeer(Socket socket) {
    this.socket = socket;
  }

  /** Connects to {@code server}, performs the upgrade, and returns without ever reading again. */
  static RawPeer upgradedClient(URI uri) throws IOException {
    RawPeer peer = requestUpgrade(uri, "");
    String response = peer.responseHead();
    if (!response.startsWith("HTTP/1.1 101")) {
      peer.close();
      throw new IOException("upgrade refused: " + response);
    }
    return peer;
  }

  /**
   * Connects and sends an upgrade request with {@code extraHeaders} (each line ending in CRLF);
   * read the answer with {@link #responseHead()}.
   */
  static RawPeer requestUpgrade(URI uri, String extraHeaders) throws IOException {
    return requestUpgrade(uri, "13", extraHeaders);
  }

  /** As {@link #requestUpgrade(URI, String)}, asking for protocol version {@code version}. */
  static RawPeer requestUpgrade(URI uri, String version, String extraHeaders) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), uri.getPort());
    socket.setSoTimeout(10_000);
    String request =
        "GET "
            + uri.getPath()
            + " HTTP/1.1\r\n"
            + "Host: 127.0.0.1:"
            + uri.getPort()
            + "\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: "
            + version
            + "\r\n"
            + extraHeaders
            + "\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return new RawPeer(socket);
  }

  /** Reads the HTTP response head (status line and headers). */
  String responseHead() throws IOException {
    return readHead(socket.getInputStream());
  }

  /**
   * A one-connection server on 127.0.0.1: accepts, answers the upgrade, then does whatever the test
   * says.
   */
  static final class Server implements AutoCloseable {
    final ServerSocket serverSocket;
    final CompletableFuture<RawPeer> accepted = new CompletableFuture<>();

    Server(boolean answerUpgrade) throws IOException {
      serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  Socket socket = serverSocket.accept();
                  socket.setSoTimeout(10_000);
                  if (answerUpgrade) {
                    String head = readHead(socket.getInputStream());
                    String key = header(head, "sec-websocket-key");
                    String response =
                        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: "
                            + accept(key)
                            + "\r\n\r\n";
                    socket.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                  }
                  accepted.complete(new RawPeer(socket));
                } catch (IOException e) {
                  accepted.completeExceptionally(e);
                }
              },
              "raw-peer-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    URI uri() {
      return URI.create("ws://127.0.0.1:" + serverSocket.getLocalPort() + "/");
    }

    @Override
    public void close() throws IOException {
      serverSocket.close();
      accepted.thenAccept(RawPeer::close);
    }
  }

  /** Resets the TCP connection (RST), as a killed process or a pulled cable eventually does. */
  void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  /** Sends one unmasked (server) or masked (client) frame. */
  void sendFrame(int opcode, byte[] payload, boolean masked) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80 | opcode);
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      out.write(maskBit | payload.length);
    } else {
      out.write(maskBit | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xff);
    }
    byte[] mask = {1, 2, 3, 4};
    if (masked) {
      out.write(mask);
    }
    for (int i = 0; i < payload.length; i++) {
      out.write(masked ? payload[i] ^ mask[i % 4] : payload[i]);
    }
    OutputStream os = socket.getOutputStream();
    os.write(out.toByteArray());
    os.flush();
  }

  /** Reads until the peer closes the TCP connection; returns how many bytes came. */
  long readUntilEof() throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[8192];
    long total = 0;
    for (int n; (n = in.read(buffer)) != -1; ) {
      total += n;
    }
    return total;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a test socket
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b == -1) {
        throw new IOException("connection closed in the HTTP head");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    throw new IllegalArgumentException("no " + name + " header in " + head);
  }

  private static String accept(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1")
              .digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.opendesk.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Idle unauthenticated connections made with plain sockets on 127.0.0.1: some never send a byte,
 * some complete the WebSocket upgrade and then never start the opendesk handshake.
 */
final class Strangers implements AutoCloseable {

  final List<Socket> silent = new ArrayList<>();
  final List<Socket> upgraded = new ArrayList<>();

  /** Opens {@code silent} sockets that send nothing and {@code upgraded} ones that only upgrade. */
  static Strangers open(int port, int silent, int upgraded) throws IOException {
    Strangers strangers = new Strangers();
    for (int i = 0; i < silent; i++) {
      strangers.silent.add(new Socket("127.0.0.1", port));
    }
    for (int i = 0; i < upgraded; i++) {
      Socket socket = new Socket("127.0.0.1", port);
      strangers.upgraded.add(socket);
      socket
          .getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: 127.0.0.1:"
                      + port
                      + "\r\nUpgrade: websocket\r\n"
                      + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
    }
    for (Socket socket : strangers.upgraded) {
      String status = readHead(socket.getInputStream());
      if (!status.startsWith("HTTP/1.1 101")) {
        throw new IOException("upgrade refused: " + status);
      }
    }
    return strangers;
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the upgrade response");
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /**
   * Whether the server has closed {@code socket}: reads (discarding any bytes) until end of stream.
   */
  static boolean closedByServer(Socket socket, int timeoutMillis) {
    try {
      socket.setSoTimeout(timeoutMillis);
      InputStream in = socket.getInputStream();
      byte[] sink = new byte[256];
      while (in.read(sink) >= 0) {
        // a WebSocket close frame may come first
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  int size() {
    return silent.size() + upgraded.size();
  }

  @Override
  public void close() throws IOException {
    for (Socket socket : silent) {
      socket.close();
    }
    for (Socket socket : upgraded) {
      socket.close();
    }
  }
}

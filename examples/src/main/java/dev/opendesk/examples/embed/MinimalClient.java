package dev.opendesk.examples.embed;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.PairingMode;
import dev.opendesk.auth.Session;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Role;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketConnection;
import java.net.URI;
import java.util.Map;

/**
 * A minimal opendesk client over WebSocket: pairs with a server's code and calls {@code echo}.
 * Usage: {@code MinimalClient ws://127.0.0.1:8423/ 123456}.
 */
public final class MinimalClient {

  private MinimalClient() {}

  /**
   * Pairs with the server at {@code args[0]} using the code {@code args[1]} and prints one echo.
   */
  public static void main(String[] args) {
    System.out.println(echo(URI.create(args[0]), PairingCode.parse(args[1]), "hello, opendesk"));
  }

  /**
   * Pairs with the server at {@code url} and returns what its {@code echo} answers to {@code text}.
   */
  public static Map<String, Object> echo(URI url, PairingCode code, String text) {
    // A throwaway identity: the server trusts it after this pairing (see PairThenReconnect to keep
    // one).
    Identity identity = Identity.generate();
    WebSocketConnection connection = WebSocketClient.connect(url).join();
    // Pairing (v2, SPAKE2) proves both sides know the code and exchanges static keys; frames are
    // encrypted from here on.
    Session session =
        Handshake.defaults().pairClient(connection, identity, code, null, PairingMode.V2).join();
    try (Peer peer =
        Peer.builder(session.connection(), Role.CLIENT)
            .remotePublicKey(session.remotePublicKey())
            .build()) {
      peer.hello().join(); // our HELLO out, the server's in
      peer.start(); // the receive loop: calls can be made from now on
      return peer.callBlocking("echo", Map.of("text", text));
    } // closing the peer closes the connection
  }
}

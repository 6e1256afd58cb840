package dev.opendesk.examples.embed;

import dev.opendesk.ClientSession;
import dev.opendesk.OpendeskClient;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.TrustedPeers;
import java.net.URI;
import java.util.Map;

/**
 * A minimal opendesk client: pairs with a server's code and calls {@code echo}. Usage: {@code
 * MinimalClient ws://127.0.0.1:8423/ 123456}.
 */
public final class MinimalClient {

  private MinimalClient() {}

  /**
   * Pairs with the server at {@code args[0]} using the code {@code args[1]} and prints one echo.
   */
  public static void main(String[] args) throws Exception {
    System.out.println(echo(URI.create(args[0]), PairingCode.parse(args[1]), "hello, opendesk"));
  }

  /**
   * Pairs with the server at {@code url} and returns what its {@code echo} answers to {@code text}.
   */
  public static Map<String, Object> echo(URI url, PairingCode code, String text) throws Exception {
    // A throwaway identity and trust store (see PairThenReconnect to keep them in a home).
    try (OpendeskClient client =
            OpendeskClient.builder()
                .identity(Identity.generate())
                .trustedPeers(TrustedPeers.inMemory())
                .build();
        ClientSession session = client.pair(url, code)) {
      return session.callBlocking("echo", Map.of("text", text));
    }
  }
}

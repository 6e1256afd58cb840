package dev.opendesk.it;

import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Child-process main of {@link ProcessKillFaultTest}: a {@link SecureStack} server with the
 * identity in {@code args[0]} and the trust store in {@code args[1]}, serving {@code block} (never
 * answers) and {@code firstThenWait} (one item, then nothing). Prints {@code <port> <server key
 * hex>} and runs until its stdin closes or it is killed.
 */
public final class KillableServer {

  private KillableServer() {}

  public static void main(String[] args) throws Exception {
    Identity identity = Identity.loadOrCreate(Path.of(args[0]));
    Dispatcher dispatcher =
        SecureStack.echo()
            .unary(
                "block",
                (ctx, params) -> {
                  new CountDownLatch(1).await();
                  return null;
                })
            .stream(
                "firstThenWait",
                (ctx, params, sink) -> {
                  sink.next(Map.of("first", true));
                  new CountDownLatch(1).await();
                })
            .build();
    try (SecureStack stack =
        SecureStack.start(identity, TrustedPeers.open(Path.of(args[1])), dispatcher)) {
      System.out.println(
          stack.server.port() + " " + HexFormat.of().formatHex(identity.publicKey()));
      System.out.flush();
      while (System.in.read() != -1) {
        // runs until the parent closes our stdin or kills us
      }
    }
  }
}

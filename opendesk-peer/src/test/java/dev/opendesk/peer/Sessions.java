package dev.opendesk.peer;

import dev.opendesk.protocol.Hello;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Test fixture: brings two built peers into session, the way every application does. */
final class Sessions {

  private Sessions() {}

  /** Exchanges HELLOs (10 s bound) and starts both receive loops. */
  static void start(Peer client, Peer server) throws Exception {
    CompletableFuture<Hello> serverHello = server.hello();
    client.hello().get(10, TimeUnit.SECONDS);
    serverHello.get(10, TimeUnit.SECONDS);
    server.start();
    client.start();
  }
}

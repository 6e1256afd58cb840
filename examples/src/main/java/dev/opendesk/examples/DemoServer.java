package dev.opendesk.examples;

import dev.opendesk.HandshakeEvent;
import dev.opendesk.OpendeskServer;
import dev.opendesk.ServerListener;
import dev.opendesk.SessionInfo;
import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.PairingApprover;
import dev.opendesk.peer.Dispatcher;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The demo server: an {@link OpendeskServer} serving a dispatcher under the demo's name, pushing
 * {@code demo.tick} to every session as soon as it is ready, and reporting one-line session events.
 * Stateless; thread-safe.
 */
final class DemoServer {

  /** The push every session receives right after the HELLO exchange. */
  static final String TICK_TOPIC = "demo.tick";

  /** The name this server announces in its HELLO (clients store it in their trust store). */
  static final String PRINCIPAL = "opendesk-demo server";

  private DemoServer() {}

  /**
   * Starts {@code builder} (which says where: home, host and port, or a transport) as the demo
   * server.
   *
   * @param approver decides on each new pairing (e.g. after the user compared fingerprints)
   * @param events where one-line session events go (e.g. {@code System.out::println})
   */
  static OpendeskServer start(
      OpendeskServer.Builder builder,
      Dispatcher dispatcher,
      PairingApprover approver,
      Consumer<String> events)
      throws IOException {
    AtomicReference<OpendeskServer> server = new AtomicReference<>();
    server.set(
        builder
            .dispatcher(dispatcher)
            .name(PRINCIPAL)
            .handshake(
                Handshake.builder().stepTimeout(Duration.ofSeconds(10)).approver(approver).build())
            .listener(
                new ServerListener() {
                  @Override
                  public void sessionOpened(SessionInfo session) {
                    server.get().push(session, TICK_TOPIC, Map.of("n", 1L));
                    events.accept(
                        (session.paired() ? "paired with " : "authenticated ")
                            + session.fingerprint());
                  }

                  @Override
                  public void handshakeFinished(HandshakeEvent event) {
                    if (!event.succeeded()) {
                      events.accept("session failed: " + event.detail());
                    }
                  }
                })
            .build());
    return server.get().start();
  }

  /** Starts the demo server approving every pairing that completes the handshake. */
  static OpendeskServer start(
      OpendeskServer.Builder builder, Dispatcher dispatcher, Consumer<String> events)
      throws IOException {
    return start(builder, dispatcher, PairingApprover.approveAll(), events);
  }
}

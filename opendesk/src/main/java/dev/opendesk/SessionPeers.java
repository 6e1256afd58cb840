package dev.opendesk;

import dev.opendesk.auth.Session;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Role;
import java.util.Objects;

/**
 * {@link Peer}s built from a handshake's {@link Session}: on its encrypted connection, with the
 * remote's authenticated key, so neither has to be passed by hand. Stateless, thread-safe.
 *
 * <pre>{@code
 * Session session = handshake.authClient(connection, identity, trusted, serverKey).join();
 * Peer peer = SessionPeers.builder(session, Role.CLIENT).build();
 * }</pre>
 */
public final class SessionPeers {

  private SessionPeers() {}

  /** A builder for a peer with {@code role} over {@code session}; set a dispatcher or options. */
  public static Peer.Builder builder(Session session, Role role) {
    Objects.requireNonNull(session, "session");
    return Peer.builder(session.connection(), role).remotePublicKey(session.remotePublicKey());
  }
}

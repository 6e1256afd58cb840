package dev.opendesk.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * The role a trusted peer paired in, as its {@link TrustedPeer} entry records it (the {@code roles}
 * field of {@code trusted-peers.json}). Trust is directional: a peer that paired with this side's
 * server is a {@link #CLIENT} and may authenticate to it; a server this side paired to is a {@link
 * #SERVER} and may be connected to. Pairing <em>to</em> someone's server therefore never lets that
 * server into this side's own server.
 *
 * <p>Immutable and thread-safe.
 */
public enum PeerRole {
  /** The peer paired as a client with this side's server: {@link Handshake#serve} admits it. */
  CLIENT,
  /**
   * This side paired as a client with the peer's server: {@link Handshake#authClient(
   * dev.opendesk.protocol.Connection, Identity, TrustedPeers, byte[])} authenticates it.
   */
  SERVER;

  /** The name stored in the trust store: {@code "client"} or {@code "server"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role stored as {@code name}, or empty for a name this version does not know. */
  public static Optional<PeerRole> fromWireName(String name) {
    for (PeerRole role : values()) {
      if (role.wireName().equals(name)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  /** The role of the other side of a pairing in which this side was {@code localIsClient}. */
  static PeerRole ofPeerWhenLocal(boolean localIsClient) {
    return localIsClient ? SERVER : CLIENT;
  }
}

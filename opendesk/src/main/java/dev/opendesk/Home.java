package dev.opendesk;

import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a server or client keeps its keys: {@code identity.key} and {@code trusted-peers.json}
 * (PROTOCOL.md §5) in one directory, {@code ~/.opendesk} by default; or an identity and store given
 * directly (e.g. {@link TrustedPeers#inMemory()} in tests). Immutable.
 */
record Home(Path dir, Identity identity, TrustedPeers trustedPeers) {

  static Path defaultDir() {
    return Path.of(System.getProperty("user.home"), ".opendesk");
  }

  /** Opens what was not given from {@code dir} (the default directory when {@code null}). */
  static Home open(Path dir, Identity identity, TrustedPeers trustedPeers) throws IOException {
    Path home = dir != null ? dir : defaultDir();
    Identity id = identity != null ? identity : Identity.loadOrCreate(home.resolve("identity.key"));
    TrustedPeers trust =
        trustedPeers != null ? trustedPeers : TrustedPeers.open(home.resolve("trusted-peers.json"));
    return new Home(home, id, trust);
  }
}

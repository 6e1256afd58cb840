package dev.opendesk.examples;

import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An opendesk home directory: {@code identity.key} and {@code trusted-peers.json} in the formats of
 * PROTOCOL.md §5, so a home is interchangeable with other opendesk implementations.
 *
 * @param dir the directory; created (0700) on first use
 */
record Home(Path dir) {

  Home {
    Objects.requireNonNull(dir, "dir");
  }

  /** The default home, {@code ~/.opendesk}. */
  static Home defaultHome() {
    return new Home(Path.of(System.getProperty("user.home"), ".opendesk"));
  }

  /** Loads this home's identity, creating one on first use. */
  Identity identity() throws IOException {
    return Identity.loadOrCreate(dir.resolve("identity.key"));
  }

  /** This home's trust store (the file need not exist yet). */
  TrustedPeers trustedPeers() {
    return TrustedPeers.open(dir.resolve("trusted-peers.json"));
  }
}

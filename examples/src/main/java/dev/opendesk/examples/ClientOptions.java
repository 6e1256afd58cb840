package dev.opendesk.examples;

import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every client tool shares: where the server is and which home to use. */
final class ClientOptions {

  @Option(
      names = "--url",
      required = true,
      paramLabel = "URL",
      description = "The server, e.g. ws://127.0.0.1:8423/.")
  URI url;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      description =
          "Home directory with identity.key and trusted-peers.json (default: ~/.opendesk).")
  Path home;

  Home home() {
    return home == null ? Home.defaultHome() : new Home(home);
  }

  /** A connector for the server, validating the URL. */
  ClientConnector connector() {
    if (!"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
      throw new IllegalArgumentException("--url: expected a ws:// or wss:// URL, got " + url);
    }
    if (url.getHost() == null) {
      throw new IllegalArgumentException("--url: no host in " + url);
    }
    return new ClientConnector(url, null, home().dir());
  }
}

package dev.opendesk.auth;

import java.util.Map;

/**
 * A pairing handshake flavour, identified by the {@code kind} of its first message. The server's
 * dispatch ({@link Handshake#serve}) maps a hello to its flavour, takes the {@link PairingGate}'s
 * code and hands over to the flavour's responder only if the code was armed for that flavour. A new
 * flavour is a new constant here plus its own client and responder; the authentication handshake
 * and {@link EncryptedConnection} are untouched.
 */
enum PairingFlavor {

  /** PROTOCOL.md §6.1: PBKDF2 PSK, three messages; open to offline guessing (legacy). */
  V1(HandshakeMessages.PAIR_HELLO, PairingMode.LEGACY_V1) {
    @Override
    java.util.concurrent.CompletableFuture<Session> respond(
        HandshakeIo io,
        Identity identity,
        Map<String, Object> hello,
        PairingCode code,
        TrustedPeers trustedPeers) {
      return PairingV1.server(io, identity, hello, code, trustedPeers);
    }

    @Override
    java.util.concurrent.CompletableFuture<Session> initiate(
        HandshakeIo io, Identity identity, PairingCode code, TrustedPeers trustedPeers) {
      return PairingV1.client(io, identity, code, trustedPeers);
    }
  },

  /** PAIRING-V2.md: SPAKE2 inside three messages; resists offline guessing (the default). */
  V2(PairingV2Messages.HELLO, PairingMode.V2) {
    @Override
    java.util.concurrent.CompletableFuture<Session> respond(
        HandshakeIo io,
        Identity identity,
        Map<String, Object> hello,
        PairingCode code,
        TrustedPeers trustedPeers) {
      return PairingV2.server(io, identity, hello, code, trustedPeers);
    }

    @Override
    java.util.concurrent.CompletableFuture<Session> initiate(
        HandshakeIo io, Identity identity, PairingCode code, TrustedPeers trustedPeers) {
      return PairingV2.client(io, identity, code, trustedPeers);
    }
  };

  private final String helloKind;
  private final PairingMode mode;

  PairingFlavor(String helloKind, PairingMode mode) {
    this.helloKind = helloKind;
    this.mode = mode;
  }

  /** The public mode this flavour implements. */
  PairingMode mode() {
    return mode;
  }

  /** The flavour implementing {@code mode}. */
  static PairingFlavor of(PairingMode mode) {
    for (PairingFlavor flavor : values()) {
      if (flavor.mode == mode) {
        return flavor;
      }
    }
    throw new IllegalArgumentException("no pairing flavour for " + mode);
  }

  /** The {@code kind} of the flavour's first (client) message. */
  String helloKind() {
    return helloKind;
  }

  /** The flavour whose first message has this kind, or {@code null}. */
  static PairingFlavor forHelloKind(String kind) {
    for (PairingFlavor flavor : values()) {
      if (flavor.helloKind.equals(kind)) {
        return flavor;
      }
    }
    return null;
  }

  /**
   * Runs the server side of this flavour from its already-received hello.
   *
   * @param trustedPeers where to write the client's key once trusted, or {@code null}
   */
  abstract java.util.concurrent.CompletableFuture<Session> respond(
      HandshakeIo io,
      Identity identity,
      Map<String, Object> hello,
      PairingCode code,
      TrustedPeers trustedPeers);

  /**
   * Runs the client side of this flavour, from its first message on.
   *
   * @param trustedPeers where to write the server's key once trusted, or {@code null}
   */
  abstract java.util.concurrent.CompletableFuture<Session> initiate(
      HandshakeIo io, Identity identity, PairingCode code, TrustedPeers trustedPeers);
}

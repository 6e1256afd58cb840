/**
 * opendesk authentication: the long-lived {@link dev.opendesk.auth.Identity}, the {@link
 * dev.opendesk.auth.TrustedPeers} store, the pairing (v2 by default, legacy v1 on request) and
 * authentication handshakes ({@link dev.opendesk.auth.Handshake}) and the {@link
 * dev.opendesk.auth.EncryptedConnection} they produce. See the package documentation for the
 * security model.
 */
module dev.opendesk.auth {
  // Nullness annotations in the API: needed to compile against it, not to run it.
  requires static transitive org.jspecify;
  requires transitive dev.opendesk.protocol;
  requires org.bouncycastle.provider;
  requires org.slf4j;

  exports dev.opendesk.auth;
}

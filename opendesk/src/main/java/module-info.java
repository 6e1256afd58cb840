/**
 * opendesk: {@link dev.opendesk.OpendeskServer} and {@link dev.opendesk.OpendeskClient}, the
 * identity, trust store, pairing, handshake admission, handshake, {@link dev.opendesk.peer.Peer}
 * and HELLO exchange wired in the right order, with sessions, interceptors, reconnects and graceful
 * shutdown. The lower modules stay public for custom transports and tests.
 */
module dev.opendesk {
  // Nullness annotations in the API: needed to compile against it, not to run it.
  requires static transitive org.jspecify;
  requires transitive dev.opendesk.peer;
  requires transitive dev.opendesk.auth;
  requires transitive dev.opendesk.transport.ws;
  requires org.slf4j;

  exports dev.opendesk;
}

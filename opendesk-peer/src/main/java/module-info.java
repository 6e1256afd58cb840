/**
 * The opendesk peer: calls, streams, cancellation and pushes over any {@link
 * dev.opendesk.protocol.Connection}, and the {@link dev.opendesk.peer.Dispatcher} that serves
 * inbound calls.
 */
module dev.opendesk.peer {
  // Nullness annotations in the API: needed to compile against it, not to run it.
  requires static transitive org.jspecify;
  requires transitive dev.opendesk.protocol;
  requires org.slf4j;

  exports dev.opendesk.peer;
}

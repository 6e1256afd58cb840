/**
 * The opendesk peer: calls, streams, cancellation and pushes over any {@link
 * dev.opendesk.protocol.Connection}, and the {@link dev.opendesk.peer.Dispatcher} that serves
 * inbound calls.
 */
module dev.opendesk.peer {
  requires transitive dev.opendesk.protocol;
  requires org.slf4j;

  exports dev.opendesk.peer;
}

/**
 * The application layer of opendesk: {@link dev.opendesk.peer.Peer} (calls, streams, pushes, HELLO,
 * in both directions over one {@link dev.opendesk.protocol.Connection}) and {@link
 * dev.opendesk.peer.Dispatcher} (how inbound calls are served).
 *
 * <p>Errors surface as {@link dev.opendesk.peer.ProtocolException} and its subclasses, carrying the
 * wire {@link dev.opendesk.protocol.ErrorInfo}; a lost or closed connection as {@link
 * dev.opendesk.protocol.ConnectionClosedException}.
 */
@NullMarked
package dev.opendesk.peer;

import org.jspecify.annotations.NullMarked;

/**
 * The opendesk WebSocket transport (PROTOCOL.md §1, §8): binary RFC 6455 messages over TCP or TLS,
 * on Netty. {@link dev.opendesk.transport.ws.WebSocketServer} accepts, {@link
 * dev.opendesk.transport.ws.WebSocketClient} connects, and both yield {@link
 * dev.opendesk.transport.ws.WebSocketConnection}s, which are {@link
 * dev.opendesk.protocol.Connection}s; {@link dev.opendesk.transport.ws.WebSocketOptions} holds the
 * settings.
 */
@NullMarked
package dev.opendesk.transport.ws;

import org.jspecify.annotations.NullMarked;

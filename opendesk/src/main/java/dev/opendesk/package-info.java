/**
 * opendesk servers and clients: {@link dev.opendesk.OpendeskServer} and {@link
 * dev.opendesk.OpendeskClient} wire identity, trust, pairing, handshakes, sessions and reconnects.
 */
@NullMarked
package dev.opendesk;

import org.jspecify.annotations.NullMarked;

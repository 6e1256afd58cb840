/**
 * Micrometer metrics for opendesk servers and clients; start at {@link
 * dev.opendesk.micrometer.OpendeskMetrics}.
 */
@NullMarked
package dev.opendesk.micrometer;

import org.jspecify.annotations.NullMarked;

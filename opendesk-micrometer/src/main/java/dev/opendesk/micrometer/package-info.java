/**
 * Micrometer metrics for opendesk servers and clients; start at {@link
 * dev.opendesk.micrometer.OpendeskMetrics}.
 */
package dev.opendesk.micrometer;

/**
 * Micrometer metrics for opendesk: {@link dev.opendesk.micrometer.OpendeskMetrics} records calls,
 * bytes, handshakes and sessions of {@link dev.opendesk.OpendeskServer}s and {@link
 * dev.opendesk.OpendeskClient}s in a {@code MeterRegistry}, through the library's interceptor,
 * listener and transport hooks.
 */
module dev.opendesk.micrometer {
  // Nullness annotations in the API: needed to compile against it, not to run it.
  requires static transitive org.jspecify;
  requires transitive dev.opendesk;
  requires transitive micrometer.core;

  exports dev.opendesk.micrometer;
}

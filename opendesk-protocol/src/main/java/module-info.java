/**
 * The opendesk protocol v1: frames, the msgpack codec, the {@link dev.opendesk.protocol.Connection}
 * abstraction every layer shares and the in-process {@link
 * dev.opendesk.protocol.LoopbackConnection}.
 */
module dev.opendesk.protocol {
  // Nullness annotations in the API: needed to compile against it, not to run it.
  requires static transitive org.jspecify;
  requires transitive com.fasterxml.jackson.databind;
  requires msgpack.core;

  exports dev.opendesk.protocol;
}

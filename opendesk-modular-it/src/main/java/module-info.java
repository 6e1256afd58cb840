/**
 * A small application on the module path: what a modular user of opendesk-java writes. It requires
 * the library's modules by name and nothing else; msgpack-core, Jackson, Netty, Bouncy Castle and
 * SLF4J come in through them.
 */
module dev.opendesk.it.modular {
  requires dev.opendesk.peer;
  requires dev.opendesk.auth;
  requires dev.opendesk.transport.ws;
}

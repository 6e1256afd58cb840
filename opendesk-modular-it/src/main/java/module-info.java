/**
 * A small application on the module path: what a modular user of opendesk-java writes. It requires
 * the library's top module by name and nothing else; the lower modules, msgpack-core, Jackson,
 * Netty, Bouncy Castle and SLF4J come in through it.
 */
module dev.opendesk.it.modular {
  requires dev.opendesk;
}

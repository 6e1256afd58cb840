package dev.opendesk.examples;

/**
 * A {@link DemoServer} reachable at an address; closing stops accepting and closes every session.
 */
interface Listener extends AutoCloseable {

  /** How clients reach the server. */
  Dialer dialer();

  @Override
  void close();
}

package dev.opendesk.transport.ws;

/** The Connection contract over real localhost sockets, the server end first. */
class ServerFirstConnectionContractTest extends WebSocketConnectionContract {
  @Override
  boolean clientFirst() {
    return false;
  }
}

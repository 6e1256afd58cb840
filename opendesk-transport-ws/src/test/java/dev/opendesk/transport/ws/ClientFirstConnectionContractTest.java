package dev.opendesk.transport.ws;

/** The Connection contract over real localhost sockets, the client end first. */
class ClientFirstConnectionContractTest extends WebSocketConnectionContract {
  @Override
  boolean clientFirst() {
    return true;
  }
}

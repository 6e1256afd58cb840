package dev.opendesk.transport.ws;

/**
 * A failure one of our handlers detected, fired down the pipeline for {@link MessageBridge} to
 * close the connection with: {@code closeStatus} is the RFC 6455 status to send, or {@link
 * #NO_CLOSE_FRAME} to drop the TCP connection at once (the peer is not answering anyway).
 */
final class ConnectionFailure extends RuntimeException {

  static final int NO_CLOSE_FRAME = 0;

  final int closeStatus;

  ConnectionFailure(int closeStatus, String message) {
    super(message, null, false, false);
    this.closeStatus = closeStatus;
  }
}

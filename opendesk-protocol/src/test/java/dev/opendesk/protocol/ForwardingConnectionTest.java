package dev.opendesk.protocol;

import dev.opendesk.protocol.testing.ConnectionContract;

/**
 * A decorator that overrides nothing keeps the whole {@link Connection} contract of its delegate.
 */
class ForwardingConnectionTest extends ConnectionContract {

  @Override
  protected Ends connect() {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    return new Ends(new Plain(pair.first()), new Plain(pair.second()));
  }

  @Override
  protected long backpressureBound() {
    return (LoopbackConnection.DEFAULT_CAPACITY + 1) * 64L * 1024;
  }

  private static final class Plain extends ForwardingConnection {
    Plain(Connection delegate) {
      super(delegate);
    }
  }
}

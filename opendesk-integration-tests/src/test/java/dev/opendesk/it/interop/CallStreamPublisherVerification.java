package dev.opendesk.it.interop;

import java.util.Map;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK for {@link dev.opendesk.peer.CallStream} as a {@link Flow.Publisher}:
 * each publisher is a stream call of {@code count} on a live session, so every rule is checked
 * against real frames, backpressure and CANCEL. Subclasses choose the transport.
 */
abstract class CallStreamPublisherVerification
    extends FlowPublisherVerification<Map<String, Object>> {

  /**
   * Generous for a loaded machine; the no-signal wait bounds how long "nothing more" is watched.
   */
  private static final long TIMEOUT_MILLIS = 2_000;

  private static final long NO_SIGNAL_MILLIS = 200;

  /**
   * How long 3.13 waits for a cancelled subscriber to become unreachable: the cancel is processed
   * on the peer's threads, which a loaded machine may delay for seconds.
   */
  private static final long GC_TIMEOUT_MILLIS = 10_000;

  private final InteropSessions.Transport transport;
  private InteropSessions sessions;

  CallStreamPublisherVerification(InteropSessions.Transport transport) {
    super(new TestEnvironment(TIMEOUT_MILLIS, NO_SIGNAL_MILLIS), GC_TIMEOUT_MILLIS);
    this.transport = transport;
  }

  @BeforeClass
  public void openSession() throws Exception {
    sessions = InteropSessions.open(transport);
  }

  @AfterClass
  public void closeSession() throws Exception {
    sessions.close();
  }

  @Override
  public Flow.Publisher<Map<String, Object>> createFlowPublisher(long elements) {
    return sessions.client.stream("count", Map.of("n", elements));
  }

  @Override
  public Flow.Publisher<Map<String, Object>> createFailedFlowPublisher() {
    return sessions.client.stream("fail", Map.of());
  }
}

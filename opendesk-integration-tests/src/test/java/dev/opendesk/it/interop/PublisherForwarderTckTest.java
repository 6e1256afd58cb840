package dev.opendesk.it.interop;

import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.testing.CollectingSubscriber;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK for the one subscriber the library ships: the one a {@link
 * Dispatcher.PublisherHandler}'s publisher is subscribed with, which forwards items to the
 * connection. Each subscriber under test is the real one of a live stream call (captured from the
 * handler's publisher), and the call's items are drained by the caller.
 */
public class PublisherForwarderTckTest
    extends FlowSubscriberBlackboxVerification<Map<String, Object>> {

  private final BlockingQueue<Flow.Subscriber<? super Object>> subscribers =
      new LinkedBlockingQueue<>();
  private InteropSessions sessions;

  public PublisherForwarderTckTest() {
    super(new TestEnvironment(2_000, 200));
  }

  @BeforeClass
  public void openSession() throws Exception {
    Dispatcher dispatcher =
        Dispatcher.builder().publisher("capture", (ctx, params) -> subscribers::add).build();
    sessions = InteropSessions.open(InteropSessions.Transport.LOOPBACK, dispatcher);
  }

  @AfterClass
  public void closeSession() throws Exception {
    sessions.close();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Flow.Subscriber<Map<String, Object>> createFlowSubscriber() {
    CallStream<Map<String, Object>> call = sessions.client.stream("capture", Map.of());
    // The caller takes every item, so the connection never stalls.
    CollectingSubscriber.collect(call);
    try {
      Flow.Subscriber<? super Object> forwarder =
          subscribers.poll(InteropSessions.WAIT_SECONDS, TimeUnit.SECONDS);
      if (forwarder == null) {
        throw new IllegalStateException("the publisher handler was not subscribed in time");
      }
      return (Flow.Subscriber<Map<String, Object>>) (Flow.Subscriber<?>) forwarder;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Map<String, Object> createElement(int element) {
    return Map.of("i", (long) element);
  }
}

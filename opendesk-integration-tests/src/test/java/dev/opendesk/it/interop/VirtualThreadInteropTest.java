package dev.opendesk.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Param;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.peer.ServicePrefix;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * Blocking callers and blocking handlers on virtual threads (JDK 21+; the library compiles for 17,
 * so the virtual-thread API is reached by reflection): every call completes with its own result,
 * and JFR records no {@code jdk.VirtualThreadPinned} event with a library frame on its stack. A
 * deliberately pinning task checks that the recording would see one.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@Timeout(120)
class VirtualThreadInteropTest {

  private static final int CALLERS = 1_000;
  private static final long WAIT_SECONDS = 60;

  public record Text(String text) {}

  @ServicePrefix("vt")
  public interface Blocking {
    Text echo(Text text);

    Text slow(@Param("ms") long ms);
  }

  private final List<RecordedEvent> pinned = new CopyOnWriteArrayList<>();
  private RecordingStream recording;
  private ExecutorService handlers;
  private Peer client;
  private Peer server;

  static ExecutorService newVirtualThreadPerTaskExecutor() throws ReflectiveOperationException {
    return (ExecutorService)
        Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
  }

  @BeforeEach
  void start() throws Exception {
    handlers = newVirtualThreadPerTaskExecutor();
    // Every caller may have a call or stream in flight at once: admit them all.
    PeerOptions options =
        PeerOptions.builder()
            .handlerExecutor(handlers)
            .maxConcurrentInboundCalls(CALLERS)
            .maxConcurrentInboundStreams(CALLERS)
            .build();
    Blocking implementation =
        new Blocking() {
          @Override
          public Text echo(Text text) {
            return text;
          }

          @Override
          public Text slow(long ms) {
            // A handler that blocks: its virtual thread parks, the carrier moves on.
            CompletableFuture.runAsync(
                    () -> {}, CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS))
                .join();
            return new Text("slept " + ms);
          }
        };
    Dispatcher dispatcher =
        Dispatcher.builder().service(Blocking.class, implementation).stream(
                "count",
                (ctx, params, sink) -> {
                  for (long i = 0; i < (Long) params.get("n"); i++) {
                    sink.next(Map.of("i", i));
                  }
                })
            .build();
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    server =
        Peer.builder(pair.second(), Role.SERVER).dispatcher(dispatcher).options(options).build();
    client = Peer.builder(pair.first(), Role.CLIENT).options(options).build();
    CompletableFuture<Hello> serverHello = server.hello();
    client.hello().get(WAIT_SECONDS, TimeUnit.SECONDS);
    serverHello.get(WAIT_SECONDS, TimeUnit.SECONDS);
    server.start();
    client.start();
    // Warm up every path once (class loading and Jackson's introspection pin while they run, once
    // per JVM): what is recorded below is the steady state.
    callEveryShape(client.service(Blocking.class), "warm-up", 2);

    recording = new RecordingStream();
    recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
    recording.onEvent("jdk.VirtualThreadPinned", pinned::add);
    recording.startAsync();
  }

  /** One blocking call of each kind; whether each returned what it should. */
  private boolean callEveryShape(Blocking typed, String text, long n) {
    boolean untyped =
        client.callBlocking("vt.echo", Map.of("text", text)).equals(Map.of("text", text));
    boolean proxied = typed.echo(new Text(text)).equals(new Text(text));
    boolean slept = typed.slow(5).equals(new Text("slept 5"));
    long items = 0;
    try (CallStream<Map<String, Object>> stream = client.stream("count", Map.of("n", n))) {
      while (stream.hasNext()) {
        stream.next();
        items++;
      }
    }
    return untyped && proxied && slept && items == n;
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
    handlers.shutdownNow();
    recording.close();
  }

  @Test
  void blockingCallersOnVirtualThreadsAllGetTheirOwnResultWithoutPinning() throws Exception {
    Blocking typed = client.service(Blocking.class);
    List<Future<Boolean>> results = new ArrayList<>();
    ExecutorService callers = newVirtualThreadPerTaskExecutor();
    try {
      for (int i = 0; i < CALLERS; i++) {
        String text = "caller " + i;
        long n = i % 7;
        results.add(callers.submit(() -> callEveryShape(typed, text, n)));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      }
      callers.submit(VirtualThreadInteropTest::pinOnPurpose).get(WAIT_SECONDS, TimeUnit.SECONDS);
    } finally {
      callers.shutdown();
    }
    stopRecording();

    assertThat(pinned)
        .as("the recording sees pinning (the deliberate one)")
        .anyMatch(event -> hasFrame(event, PinsWhileInitializing.class.getName()));
    // Resolving a class is a VM call, which pins on every JDK; it happens once per class and JVM,
    // and 1 000 callers at once can reach a class the warm-up's single caller never needed.
    assertThat(pinned)
        .as("pinned events with a library frame, outside class loading")
        .filteredOn(event -> !hasFrame(event, ClassLoader.class.getName(), "loadClass"))
        .noneMatch(VirtualThreadInteropTest::hasLibraryFrame);
  }

  /** Parks inside a class initializer, which pins on every JDK. */
  private static Object pinOnPurpose() {
    return PinsWhileInitializing.VALUE;
  }

  private static final class PinsWhileInitializing {
    static final Object VALUE;

    static {
      // Parks in place (no task of this class on another thread, which would wait for this init).
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      VALUE = new Object();
    }
  }

  /** Stops the recording and waits for its events (RecordingStream.stop, JDK 20+). */
  private void stopRecording() throws ReflectiveOperationException {
    RecordingStream.class.getMethod("stop").invoke(recording);
  }

  /** A frame of the library itself (its packages, not these tests'). */
  private static boolean hasLibraryFrame(RecordedEvent event) {
    return event.getStackTrace() != null
        && event.getStackTrace().getFrames().stream()
            .map(frame -> frame.getMethod().getType().getName())
            .anyMatch(
                type -> type.startsWith("dev.opendesk.") && !type.startsWith("dev.opendesk.it."));
  }

  private static boolean hasFrame(RecordedEvent event, String prefix) {
    return hasFrame(event, prefix, null);
  }

  /**
   * Whether a frame's type starts with {@code prefix} (and its method is {@code method}, if set).
   */
  private static boolean hasFrame(RecordedEvent event, String prefix, String method) {
    if (event.getStackTrace() == null) {
      return false;
    }
    for (RecordedFrame frame : event.getStackTrace().getFrames()) {
      if (frame.getMethod().getType().getName().startsWith(prefix)
          && (method == null || frame.getMethod().getName().equals(method))) {
        return true;
      }
    }
    return false;
  }
}

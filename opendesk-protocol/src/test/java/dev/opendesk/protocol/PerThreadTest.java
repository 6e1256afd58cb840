package dev.opendesk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Platform threads keep their own codec state; virtual threads (JDK 21+, reached by reflection as
 * the tests compile for 17) share a pool, so a fresh virtual thread per call does not build a new
 * encoder each time.
 */
class PerThreadTest {

  @Test
  void aPlatformThreadGetsItsOwnInstanceBackAndADroppedOneIsReplaced() {
    AtomicInteger made = new AtomicInteger();
    PerThread<Object> perThread = new PerThread<>(counting(made));
    Object first = perThread.acquire();
    perThread.release(first, true);
    assertThat(perThread.acquire()).isSameAs(first);
    perThread.release(first, false);
    assertThat(perThread.acquire()).isNotSameAs(first);
    assertThat(made).hasValue(2);
  }

  @Test
  void virtualThreadsOneAfterAnotherReuseOnePooledInstance() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
    AtomicInteger made = new AtomicInteger();
    PerThread<Object> perThread = new PerThread<>(counting(made));
    List<Object> seen = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      seen.add(
          onVirtualThread(
              () -> {
                assertThat(PerThread.isVirtual()).isTrue();
                Object value = perThread.acquire();
                perThread.release(value, true);
                return value;
              }));
    }
    assertThat(made).hasValue(1);
    assertThat(seen).allSatisfy(v -> assertThat(v).isSameAs(seen.get(0)));
  }

  @Test
  void virtualThreadsEncodeAndDecodeFramesWithNonAsciiTextAtTheSameTime() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
    FrameCodec codec = FrameCodec.standard();
    List<CompletableFuture<Frame>> decoded = new ArrayList<>();
    for (long i = 0; i < 200; i++) {
      long id = i;
      decoded.add(
          CompletableFuture.supplyAsync(
              () ->
                  codec.decode(
                      codec.encode(Req.unary(id, "echo", Map.of("i", id, "text", "grüße ✓" + id)))),
              task -> startVirtualThread(task)));
    }
    for (int i = 0; i < decoded.size(); i++) {
      assertThat(decoded.get(i).get(10, TimeUnit.SECONDS))
          .isEqualTo(Req.unary(i, "echo", Map.of("i", (long) i, "text", "grüße ✓" + i)));
    }
  }

  private static Supplier<Object> counting(AtomicInteger made) {
    return () -> {
      made.incrementAndGet();
      return new Object();
    };
  }

  private static <T> T onVirtualThread(Supplier<T> body) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    startVirtualThread(
        () -> {
          try {
            result.complete(body.get());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    return result.get(10, TimeUnit.SECONDS);
  }

  private static void startVirtualThread(Runnable task) {
    try {
      Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, task);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}

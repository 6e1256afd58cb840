package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The leak check every test here relies on actually sees a leak. */
class LeakCheckExtensionTest {

  @Test
  void leakDetectionRunsAtParanoidLevel() {
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }

  @Test
  void unreleasedBufferIsReported() {
    leakOneBuffer();
    AtomicReference<String> seen = new AtomicReference<>("");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              seen.accumulateAndGet(LeakCheckExtension.collectLeaks(), String::concat);
              return !seen.get().isEmpty();
            });
    assertThat(seen.get()).contains("LEAK").contains("leakOneBuffer");
  }

  private static void leakOneBuffer() {
    ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(16);
    buffer.writeInt(42);
    buffer.touch("leakOneBuffer");
  }
}

package dev.opendesk.transport.ws;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector (PARANOID in this module's surefire configuration)
 * reports a buffer that was garbage-collected without being released. Registered for every test
 * through JUnit's extension auto-detection, so its static initializer installs the recording
 * detector before any buffer class is loaded.
 */
public final class LeakCheckExtension implements AfterEachCallback {

  private static final List<String> LEAKS = new ArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    String leaks = collectLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          "Netty reported leaked buffers during or before "
              + context.getDisplayName()
              + ":\n"
              + leaks);
    }
  }

  /**
   * Nudges the GC, lets the detectors poll their queues, and returns (and forgets) what they
   * reported.
   */
  static String collectLeaks() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      // The detector checks for collected, unreleased buffers whenever it tracks a new one.
      for (ByteBufAllocator allocator :
          List.of(PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT)) {
        allocator.heapBuffer(1).release();
        allocator.directBuffer(1).release();
      }
    }
    synchronized (LEAKS) {
      String report = String.join("\n", LEAKS);
      LEAKS.clear();
      return report;
    }
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new ResourceLeakDetector<T>(resource, samplingInterval) {
        @Override
        protected void reportTracedLeak(String resourceType, String records) {
          record("LEAK " + resourceType + records);
          super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
          record("LEAK " + resourceType + " (untraced)");
          super.reportUntracedLeak(resourceType);
        }
      };
    }

    private static void record(String leak) {
      synchronized (LEAKS) {
        LEAKS.add(leak);
      }
    }
  }
}

package dev.opendesk.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What a process holds: live threads, heap retained after GC, open file descriptors. */
record Resources(int threads, long retainedHeap, long fileDescriptors) {

  /** Measures now, after asking for a few full GCs so the heap figure is what is retained. */
  static Resources measure() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long heap = memory.getHeapMemoryUsage().getUsed();
    return new Resources(Thread.activeCount(), heap, openFileDescriptors());
  }

  static long openFileDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether this is within the given slack of {@code baseline}. */
  boolean within(Resources baseline, int threadSlack, long heapSlack, long fdSlack) {
    return threads <= baseline.threads + threadSlack
        && retainedHeap <= baseline.retainedHeap + heapSlack
        && fileDescriptors <= baseline.fileDescriptors + fdSlack;
  }

  @Override
  public String toString() {
    return threads
        + " threads, "
        + retainedHeap / 1024
        + " KiB heap after GC, "
        + fileDescriptors
        + " fds";
  }
}

package dev.opendesk.transport.ws;

import java.io.BufferedReader;
import java.io.FileReader;
import java.io.IOException;

/** How many bytes can be in flight between a sender and a non-reading receiver on this machine. */
final class SocketBuffers {

  private SocketBuffers() {}

  /**
   * Kernel send and receive buffers at their autotuning maximum, plus the receiver's bounded
   * message buffer, the sender's queue of sends taken at once and Netty's outbound high-water mark
   * (all small), doubled for slack.
   */
  static long maxBytesInFlight() {
    long kernel = maxOf("/proc/sys/net/ipv4/tcp_rmem") + maxOf("/proc/sys/net/ipv4/tcp_wmem");
    return 2
        * (kernel
            + MessageBridge.MAX_BUFFERED_BYTES
            + MessageBridge.MAX_QUEUED_SEND_BYTES
            + 64 * 1024
            + 64 * 1024);
  }

  private static long maxOf(String file) {
    // Line-wise: some kernels (and sandboxes) report /proc files as empty to a whole-file read.
    try (BufferedReader reader = new BufferedReader(new FileReader(file))) {
      String[] fields = reader.readLine().trim().split("\\s+");
      return Long.parseLong(fields[fields.length - 1]);
    } catch (IOException | RuntimeException e) {
      return 8L * 1024 * 1024;
    }
  }
}

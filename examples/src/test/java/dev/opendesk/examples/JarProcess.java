package dev.opendesk.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code opendesk-demo.jar} run as a separate process, its output collected line by line. Every
 * wait is bounded; {@link #close()} kills the process (and its children) if it still runs.
 */
final class JarProcess implements AutoCloseable {

  private final Process process;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final Thread outReader;
  private final Thread errReader;

  private JarProcess(Process process) {
    this.process = process;
    this.outReader = reader(process.getInputStream(), out, "stdout");
    this.errReader = reader(process.getErrorStream(), err, "stderr");
  }

  /**
   * Starts {@code java -jar opendesk-demo.jar args...} with the jar from the {@code
   * opendesk.demo.jar} property.
   */
  static JarProcess start(String... args) throws IOException {
    String jar = System.getProperty("opendesk.demo.jar");
    if (jar == null) {
      throw new IllegalStateException(
          "system property opendesk.demo.jar is not set (run through failsafe)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar);
    command.addAll(List.of(args));
    return new JarProcess(new ProcessBuilder(command).start());
  }

  private Thread reader(InputStream stream, List<String> lines, String name) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (this) {
                    lines.add(line);
                    notifyAll();
                  }
                }
              } catch (IOException e) {
                // The process was killed: nothing more to read.
              }
            },
            "jar-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Waits for a stdout line matching {@code test}; empty if none came within {@code timeout} or the
   * process ended.
   */
  synchronized Optional<String> awaitLine(Predicate<String> test, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    while (true) {
      for (; seen < out.size(); seen++) {
        if (test.test(out.get(seen))) {
          return Optional.of(out.get(seen));
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || (!process.isAlive() && !outReader.isAlive())) {
        return Optional.empty();
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
    }
  }

  /** Writes {@code text} to the process's standard input, then closes it. */
  void input(String text) throws IOException {
    try (var in = process.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Waits for the process to exit and its output to be read; returns the exit status, or -1 on
   * timeout (it is then killed).
   */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      close();
      return -1;
    }
    outReader.join(5000);
    errReader.join(5000);
    return process.exitValue();
  }

  synchronized String stdout() {
    return String.join("\n", out);
  }

  synchronized String stderr() {
    return String.join("\n", err);
  }

  /** Everything the process printed so far, for assertion messages. */
  synchronized String transcript() {
    return "--- stdout\n" + String.join("\n", out) + "\n--- stderr\n" + String.join("\n", err);
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

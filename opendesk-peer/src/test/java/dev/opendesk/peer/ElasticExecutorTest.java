package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The default handler executor of JDK 17–20: few threads for short tasks, more for blocked ones.
 */
@Timeout(60)
class ElasticExecutorTest {

  private static final long IDLE = TimeUnit.SECONDS.toNanos(30);
  private static final long STALL = TimeUnit.MILLISECONDS.toNanos(1);

  private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
  private final AtomicInteger threadNumbers = new AtomicInteger();
  private final ThreadFactory threads =
      r -> {
        Thread t = new Thread(r, "elastic-test-" + threadNumbers.incrementAndGet());
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
        return t;
      };
  private final SteppedTimer stepped = new SteppedTimer();
  private final ScheduledThreadPoolExecutor realTimer = new ScheduledThreadPoolExecutor(1);
  private ElasticExecutor executor;

  @AfterEach
  void shutDown() throws InterruptedException {
    if (executor != null) {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    realTimer.shutdownNow();
    stepped.shutdownNow();
  }

  @Test
  void aBurstOfShortTasksRunsOnTheCoreThreadsAlone() throws Exception {
    executor = new ElasticExecutor(2, IDLE, STALL, threads, stepped); // the watchdog never looks
    int tasks = 10_000;
    CountDownLatch ran = new CountDownLatch(tasks);

    for (int i = 0; i < tasks; i++) {
      executor.execute(ran::countDown);
    }

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(executor.largestPoolSize()).isBetween(1, 2);
  }

  @Test
  void tasksHeldUpBehindBlockedThreadsGetNewThreadsWhenTheWatchdogSeesNoProgress()
      throws Exception {
    executor = new ElasticExecutor(2, IDLE, STALL, threads, stepped);
    CountDownLatch blocked = new CountDownLatch(2);
    CountDownLatch gate = new CountDownLatch(1);
    for (int i = 0; i < 2; i++) {
      executor.execute(
          () -> {
            blocked.countDown();
            awaitQuietly(gate);
          });
    }
    assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
    CountDownLatch ran = new CountDownLatch(5);
    for (int i = 0; i < 5; i++) {
      executor.execute(ran::countDown);
    }

    // Both threads are blocked: nothing else runs until the watchdog starts more.
    assertThat(ran.await(100, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(executor.poolSize()).isEqualTo(2);
    stepped.lookOnce(); // notes the progress so far
    stepped.lookOnce(); // none since: as many threads again
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(executor.largestPoolSize()).isEqualTo(4);
    gate.countDown();
  }

  @Test
  void aRunningThreadThatTakesNoTaskGetsCompanyOnlyAfterSeveralLooks() throws Exception {
    executor = new ElasticExecutor(1, IDLE, STALL, threads, stepped);
    // Running, not parked: it may be in I/O, or the machine short of CPU.
    AtomicBoolean spin = new AtomicBoolean(true);
    CountDownLatch spinning = new CountDownLatch(1);
    executor.execute(
        () -> {
          spinning.countDown();
          while (spin.get()) {
            Thread.onSpinWait();
          }
        });
    assertThat(spinning.await(10, TimeUnit.SECONDS)).isTrue();
    CountDownLatch ran = new CountDownLatch(1);
    executor.execute(ran::countDown);

    stepped.lookOnce(); // notes the progress so far
    for (int i = 1; i < ElasticExecutor.RUNNING_STALL_LOOKS; i++) {
      stepped.lookOnce();
    }
    assertThat(executor.poolSize()).as("before the last look").isEqualTo(1);
    stepped.lookOnce();
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(executor.largestPoolSize()).isEqualTo(2);
    spin.set(false);
  }

  @Test
  void tasksThatWaitForEachOtherAllFinish() throws Exception {
    executor = new ElasticExecutor(2, IDLE, STALL, threads, realTimer);
    int tasks = 40;
    CountDownLatch arrived = new CountDownLatch(tasks);
    CountDownLatch finished = new CountDownLatch(tasks);

    for (int i = 0; i < tasks; i++) {
      executor.execute(
          () -> {
            arrived.countDown();
            if (awaitQuietly(arrived)) {
              finished.countDown();
            }
          });
    }

    // Each needs all the others running at once: only growth gets them there.
    assertThat(finished.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(executor.largestPoolSize()).isGreaterThanOrEqualTo(tasks);
  }

  @Test
  void idleThreadsEnd() throws Exception {
    executor = new ElasticExecutor(2, TimeUnit.MILLISECONDS.toNanos(50), STALL, threads, realTimer);
    CountDownLatch ran = new CountDownLatch(100);
    for (int i = 0; i < 100; i++) {
      executor.execute(ran::countDown);
    }
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();

    await().atMost(Duration.ofSeconds(10)).until(() -> executor.poolSize() == 0);
    CountDownLatch again = new CountDownLatch(1);
    executor.execute(again::countDown);
    assertThat(again.await(10, TimeUnit.SECONDS)).as("a thread starts again").isTrue();
  }

  @Test
  void shutdownNowInterruptsTheRunningTasksAndStillRunsTheQueuedOnes() throws Exception {
    executor = new ElasticExecutor(1, IDLE, STALL, threads, stepped); // the watchdog never looks
    CountDownLatch running = new CountDownLatch(1);
    LinkedBlockingQueue<Boolean> interrupted = new LinkedBlockingQueue<>();
    executor.execute(
        () -> {
          running.countDown();
          try {
            Thread.sleep(60_000);
            interrupted.add(false);
          } catch (InterruptedException e) {
            interrupted.add(true);
          }
        });
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    // Queued behind the sleeper; the second would block for good without an interrupt.
    CountDownLatch never = new CountDownLatch(1);
    executor.execute(() -> interrupted.add(Thread.currentThread().isInterrupted()));
    executor.execute(
        () -> {
          try {
            interrupted.add(!never.await(60, TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            interrupted.add(true);
          }
        });

    assertThat(executor.shutdownNow()).as("none left unrun").isEmpty();

    for (int i = 0; i < 3; i++) {
      assertThat(interrupted.poll(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(executor.isTerminated()).isTrue();
    assertThatThrownBy(() -> executor.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void shutdownLetsTheQueuedTasksFinish() throws Exception {
    executor = new ElasticExecutor(1, IDLE, STALL, threads, stepped);
    CountDownLatch gate = new CountDownLatch(1);
    executor.execute(() -> awaitQuietly(gate));
    CountDownLatch ran = new CountDownLatch(3);
    for (int i = 0; i < 3; i++) {
      executor.execute(ran::countDown);
    }

    executor.shutdown();
    assertThat(executor.isShutdown()).isTrue();
    assertThatThrownBy(() -> executor.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    gate.countDown();

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aTaskThatThrowsIsReportedAndItsThreadGoesOn() throws Exception {
    executor = new ElasticExecutor(1, IDLE, STALL, threads, stepped);
    IllegalStateException failure = new IllegalStateException("handler bug");
    executor.execute(
        () -> {
          throw failure;
        });
    LinkedBlockingQueue<String> ranOn = new LinkedBlockingQueue<>();
    executor.execute(() -> ranOn.add(Thread.currentThread().getName()));

    assertThat(ranOn.poll(10, TimeUnit.SECONDS)).isEqualTo("elastic-test-1");
    assertThat(uncaught).containsExactly(failure);
    assertThat(executor.largestPoolSize()).isEqualTo(1);
  }

  @Test
  void aStaleInterruptDoesNotReachTheNextTask() throws Exception {
    executor = new ElasticExecutor(1, IDLE, STALL, threads, stepped);
    executor.execute(() -> Thread.currentThread().interrupt());
    LinkedBlockingQueue<Boolean> interrupted = new LinkedBlockingQueue<>();
    executor.execute(() -> interrupted.add(Thread.currentThread().isInterrupted()));

    assertThat(interrupted.poll(10, TimeUnit.SECONDS)).isFalse();
  }

  private static boolean awaitQuietly(CountDownLatch latch) {
    try {
      return latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A timer whose scheduled looks run only when the test says so. */
  private static final class SteppedTimer extends ScheduledThreadPoolExecutor {
    private final LinkedBlockingQueue<Runnable> looks = new LinkedBlockingQueue<>();

    SteppedTimer() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      looks.add(command);
      return null;
    }

    /** Runs the look the executor asked for. */
    void lookOnce() throws InterruptedException {
      Runnable look = looks.poll(10, TimeUnit.SECONDS);
      assertThat(look).as("a look was asked for").isNotNull();
      look.run();
    }
  }
}

package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WaitSpinTest {

  private final WaitSpin spin = new WaitSpin();

  @BeforeEach
  void needsTwoCpus() {
    assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "no spinning on one CPU");
  }

  @Test
  void spinsThatMissLowerTheHitRateUntilOnlyProbesSpin() {
    CompletableFuture<Void> never = new CompletableFuture<>();
    for (int i = 0; i < 40 && spin.hitRate() >= 1.0 / 8; i++) {
      spin.spinUntilDone(never, WaitSpin.MAX_NANOS);
    }
    double low = spin.hitRate();
    assertThat(low).isLessThan(1.0 / 8);

    // Now only every PROBE_EVERY-th wait spins (and, missing again, lowers the rate further).
    int changes = 0;
    double before = low;
    for (int i = 0; i < 3 * WaitSpin.PROBE_EVERY; i++) {
      spin.spinUntilDone(never, WaitSpin.MAX_NANOS);
      if (spin.hitRate() != before) {
        changes++;
        before = spin.hitRate();
      }
    }
    assertThat(changes).isEqualTo(3);
  }

  @Test
  void aSpinThatCatchesItsResultRaisesTheHitRate() {
    CompletableFuture<Void> never = new CompletableFuture<>();
    for (int i = 0; i < 4; i++) {
      spin.spinUntilDone(never, WaitSpin.MAX_NANOS);
    }
    double missed = spin.hitRate();
    spin.spinUntilDone(new DoneAfterLooks(50), WaitSpin.MAX_NANOS);
    assertThat(spin.hitRate()).isGreaterThan(missed);

    double rate = spin.hitRate();
    spin.spinUntilDone(CompletableFuture.completedFuture(null), WaitSpin.MAX_NANOS);
    assertThat(spin.hitRate()).as("a future done before the wait is no spin").isEqualTo(rate);
  }

  /** A future that completes itself when it has been looked at {@code looks} times. */
  private static final class DoneAfterLooks extends CompletableFuture<Void> {
    private int looks;

    DoneAfterLooks(int looks) {
      this.looks = looks;
    }

    @Override
    public boolean isDone() {
      if (--looks == 0) {
        complete(null);
      }
      return super.isDone();
    }
  }

  @Test
  void aShorterBudgetOrAnInterruptEndsTheSpinWithoutJudgingTheSession() {
    CompletableFuture<Void> never = new CompletableFuture<>();
    spin.spinUntilDone(never, 1_000);
    assertThat(spin.hitRate()).isEqualTo(1.0);

    Thread.currentThread().interrupt();
    try {
      spin.spinUntilDone(never, WaitSpin.MAX_NANOS);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      assertThat(spin.hitRate()).isEqualTo(1.0);
    } finally {
      Thread.interrupted();
    }
  }
}

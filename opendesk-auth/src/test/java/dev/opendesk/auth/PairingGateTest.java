package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PairingGateTest {

  private static final PairingCode CODE = PairingCode.parse("123456");

  @Test
  void anArmedCodeIsTakenOnceWithItsFlavour() {
    PairingGate gate = new PairingGate();
    gate.armLegacyV1(CODE, Duration.ofMinutes(1));

    PairingGate.ArmedCode taken = gate.take();

    assertThat(taken.code()).isEqualTo(CODE);
    assertThat(taken.flavor()).isEqualTo(PairingFlavor.V1);
    assertThat(gate.take()).isNull();
    assertThat(gate.isArmed()).isFalse();
  }

  @Test
  void armWithoutAModeArmsPairingV2() {
    PairingGate gate = new PairingGate();
    gate.arm(CODE, Duration.ofMinutes(1));

    assertThat(gate.take().flavor().mode()).isEqualTo(PairingMode.V2);
  }

  @Test
  void aCodeIsArmedForExactlyTheGivenMode() {
    PairingGate gate = new PairingGate();
    gate.arm(CODE, PairingMode.LEGACY_V1, Duration.ofMinutes(1));

    assertThat(gate.take().flavor()).isEqualTo(PairingFlavor.V1);
  }

  @Test
  void armingAgainReplacesTheCodeAndItsMode() {
    PairingGate gate = new PairingGate();
    gate.arm(CODE, PairingMode.LEGACY_V1, Duration.ofMinutes(1));
    gate.arm(PairingCode.parse("654321"), Duration.ofMinutes(1));

    PairingGate.ArmedCode taken = gate.take();
    assertThat(taken.code()).isEqualTo(PairingCode.parse("654321"));
    assertThat(taken.flavor().mode()).isEqualTo(PairingMode.V2);
    assertThat(gate.take()).isNull();
  }

  @Test
  void disarmDropsTheCode() {
    PairingGate gate = new PairingGate();
    gate.armLegacyV1(CODE, Duration.ofMinutes(1));
    gate.disarm();
    assertThat(gate.take()).isNull();
  }

  @Test
  void anExpiredCodeIsNotHandedOut() {
    PairingGate gate = new PairingGate();
    gate.armLegacyV1(CODE, Duration.ofNanos(1));
    Await.until(() -> !gate.isArmed());
    assertThat(gate.take()).isNull();
  }

  @Test
  void ttlMustBePositive() {
    assertThatThrownBy(() -> new PairingGate().armLegacyV1(CODE, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl");
  }

  @Test
  void exactlyOneOfManyConcurrentAttemptsGetsTheCode() throws Exception {
    int attempts = 8;
    ExecutorService pool = Executors.newFixedThreadPool(attempts);
    try {
      for (int round = 0; round < 50; round++) {
        PairingGate gate = new PairingGate();
        gate.armLegacyV1(CODE, Duration.ofMinutes(1));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<PairingGate.ArmedCode>> results = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return gate.take();
                  }));
        }
        start.countDown();
        int winners = 0;
        for (Future<PairingGate.ArmedCode> result : results) {
          if (result.get(10, TimeUnit.SECONDS) != null) {
            winners++;
          }
        }
        assertThat(winners).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

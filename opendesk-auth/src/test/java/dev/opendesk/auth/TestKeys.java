package dev.opendesk.auth;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Fixed ephemeral keys and cached PSKs for tests. */
final class TestKeys {

  private static final Map<String, byte[]> PSKS = new ConcurrentHashMap<>();

  private TestKeys() {}

  /** A key source handing out the given private keys in order, then failing. */
  static EphemeralKeySource fixed(byte[]... privateKeys) {
    Deque<byte[]> queue = new ArrayDeque<>();
    for (byte[] key : privateKeys) {
      queue.add(key);
    }
    return () -> {
      synchronized (queue) {
        byte[] next = queue.poll();
        if (next == null) {
          throw new IllegalStateException("no more fixed ephemeral keys");
        }
        return X25519KeyPair.fromPrivateKey(next);
      }
    };
  }

  /** The real PBKDF2 PSK, computed once per code per test run (handshakes wipe their copy). */
  static byte[] cachedPsk(PairingCode code) {
    return PSKS.computeIfAbsent(code.digits(), d -> KeySchedule.psk(code)).clone();
  }

  /**
   * Handshakes with cached PSKs that approve every pairing, legacy v1 included (tests of the legacy
   * refusal build their handshake without this).
   */
  static Handshake.Builder fast() {
    return Handshake.builder()
        .psk(TestKeys::cachedPsk)
        .approver(PairingApprover.insecureApproveAllIncludingLegacyV1());
  }

  /** A gate with {@code code} armed for {@code mode} for a minute. */
  static PairingGate armed(PairingCode code, PairingMode mode) {
    PairingGate gate = new PairingGate();
    gate.arm(code, mode, java.time.Duration.ofMinutes(1));
    return gate;
  }
}

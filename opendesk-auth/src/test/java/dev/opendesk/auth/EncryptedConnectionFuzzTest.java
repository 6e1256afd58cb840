package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.Failures;
import dev.opendesk.protocol.LoopbackConnection;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link EncryptedConnection#receive()}. The input is a script
 * of up to 16 messages, each a control byte, a length byte and that many payload bytes: an even
 * control byte sends the payload through the sending {@link EncryptedConnection} (sealed under the
 * next counter), an odd one puts it on the wire as it is. In {@code mvn verify} the target runs on
 * the inputs committed under {@code
 * src/test/resources/dev/opendesk/auth/EncryptedConnectionFuzzTestInputs/} (regression mode);
 * {@code -Pjazzer} fuzzes for real.
 *
 * <p>Properties: every sealed message before the first raw one is received exactly; the first raw
 * one fails the receive with an {@link IntegrityException} naming its counter and closes the
 * connection; nothing hangs and nothing else is thrown.
 */
class EncryptedConnectionFuzzTest {
  private static final byte[] KEY_UP = Messages.bytes(KeySchedule.KEY_SIZE, 0x11);
  private static final byte[] KEY_DOWN = Messages.bytes(KeySchedule.KEY_SIZE, 0x22);
  private static final long WAIT_MS = 5_000;

  @FuzzTest(maxDuration = "3m")
  void receive(byte[] input) throws Exception {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    Connection wire = link.first();
    EncryptedConnection sender = new EncryptedConnection(wire, KEY_UP, KEY_DOWN, null);
    EncryptedConnection receiver = new EncryptedConnection(link.second(), KEY_DOWN, KEY_UP, null);
    try {
      int at = 0;
      for (long counter = 0; counter < 16 && at < input.length; counter++) {
        boolean raw = (input[at++] & 1) == 1;
        int length = at < input.length ? input[at++] & 0xff : 0;
        byte[] payload = Arrays.copyOfRange(input, at, Math.min(at + length, input.length));
        at += payload.length;
        if (!raw) {
          sender.send(payload.clone()).get(WAIT_MS, TimeUnit.MILLISECONDS);
          assertThat(receiver.receive().get(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo(payload);
          continue;
        }
        wire.send(payload).get(WAIT_MS, TimeUnit.MILLISECONDS);
        Throwable failure = null;
        try {
          receiver.receive().get(WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          failure = Failures.unwrap(e);
        }
        assertThat(failure).isInstanceOf(IntegrityException.class);
        assertThat(((IntegrityException) failure).counter()).isEqualTo(counter);
        assertThat(receiver.isOpen()).isFalse();
        return;
      }
    } finally {
      sender.close();
      receiver.close();
    }
  }
}

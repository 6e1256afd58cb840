package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of every handshake message decoder, in both roles: each target
 * replays the recorded exchange of {@link HandshakeFuzzTest} to one role, with one of the messages
 * it receives replaced by the fuzzer's input. The input's first byte picks which incoming message
 * (modulo their number); the rest is the message. In {@code mvn verify} the targets run on the
 * inputs committed under {@code
 * src/test/resources/dev/opendesk/auth/HandshakeMessageFuzzTestInputs/} (regression mode); {@code
 * -Pjazzer} fuzzes for real.
 *
 * <p>Properties, as in {@link HandshakeFuzzTest}: the role succeeds, or fails with an {@link
 * AuthFailureException} of a reason it documents (never {@code timeout}: the replay never stalls)
 * and closes the connection on both ends.
 */
class HandshakeMessageFuzzTest {

  @FuzzTest(maxDuration = "3m")
  void authServer(byte[] input) throws Exception {
    fuzz("auth server", input);
  }

  @FuzzTest(maxDuration = "3m")
  void authClient(byte[] input) throws Exception {
    fuzz("auth client", input);
  }

  @FuzzTest(maxDuration = "3m")
  void pairV1Server(byte[] input) throws Exception {
    fuzz("pair v1 server", input);
  }

  @FuzzTest(maxDuration = "3m")
  void pairV1Client(byte[] input) throws Exception {
    fuzz("pair v1 client", input);
  }

  @FuzzTest(maxDuration = "3m")
  void pairV2Server(byte[] input) throws Exception {
    fuzz("pair v2 server", input);
  }

  @FuzzTest(maxDuration = "3m")
  void pairV2Client(byte[] input) throws Exception {
    fuzz("pair v2 client", input);
  }

  private static void fuzz(String roleName, byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    HandshakeFuzzTest.RoleUnderTest role =
        HandshakeFuzzTest.roles().stream()
            .filter(r -> r.name().equals(roleName))
            .findFirst()
            .orElseThrow();
    List<HandshakeFuzzTest.Message> traffic = new ArrayList<>(role.transcript());
    List<Integer> incoming = new ArrayList<>();
    for (int i = 0; i < traffic.size(); i++) {
      if (traffic.get(i).fromClient() != role.client()) {
        incoming.add(i);
      }
    }
    int at = incoming.get((input[0] & 0xff) % incoming.size());
    traffic.set(
        at,
        new HandshakeFuzzTest.Message(
            traffic.get(at).fromClient(), Arrays.copyOfRange(input, 1, input.length)));

    HandshakeFuzzTest.Outcome outcome = HandshakeFuzzTest.runOnce(role, traffic);

    if (outcome.failure() == null) {
      return;
    }
    assertThat(outcome.failure()).isInstanceOf(AuthFailureException.class);
    AuthFailureException failure = (AuthFailureException) outcome.failure();
    assertThat(role.documented()).as(failure.getMessage()).contains(failure.reason());
    assertThat(outcome.roleEnd().isOpen()).as("role's end closed").isFalse();
    assertThat(outcome.driverSawClose()).as("the other end saw the close").isTrue();
  }
}

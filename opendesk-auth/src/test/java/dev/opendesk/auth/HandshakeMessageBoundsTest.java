package dev.opendesk.auth;

import static dev.opendesk.auth.Messages.bytes;
import static dev.opendesk.auth.Messages.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.opendesk.protocol.testing.DecodeBombs;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The size and depth bounds of handshake messages (issue #14, High 1): what an unauthenticated peer
 * sends is refused before it is decoded when it is larger than any legitimate message, and decoded
 * only one level deep.
 */
class HandshakeMessageBoundsTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static final byte[] KEY = bytes(32, 7);

  @Test
  void aFifteenMebibyteAuthHelloOfEmptyMapsIsRefusedWithProtocolAllocatingAlmostNothing() {
    byte[] bomb = DecodeBombs.handshakeWithEmptyMaps("auth_hello", 15 * 1024 * 1024);

    AuthFailureException refused = refuse(bomb);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    refuse(bomb);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

    assertThat(refused.reason()).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(refused)
        .hasMessageContaining("a handshake message of 15728640 bytes exceeds the limit of 1024");
    // The exception and its stack trace: a few kilobytes, against 1.5 GiB before the bound.
    assertThat(allocated).isLessThan(64 * 1024);
  }

  @Test
  void aMessageAtTheSizeBoundDecodes() {
    byte[] message = padded(HandshakeMessages.MAX_MESSAGE_BYTES);

    assertThat(HandshakeMessages.decode(message, "auth_hello")).containsKey("pad");
  }

  @Test
  void aMessageOneByteOverTheSizeBoundIsRefusedWithProtocol() {
    byte[] message = padded(HandshakeMessages.MAX_MESSAGE_BYTES + 1);

    AuthFailureException refused = refuse(message);

    assertThat(refused.reason()).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(refused).hasMessageContaining("exceeds the limit of 1024");
  }

  @Test
  void anUnknownKeyNestedOneLevelIsDecoded() {
    byte[] message = map("v", 1, "kind", "auth_hello", "e", KEY, "s", KEY, "x", List.of(1));

    assertThat(HandshakeMessages.decode(message, "auth_hello")).containsEntry("x", List.of(1L));
  }

  @Test
  void nestingTwoLevelsDeepIsRefusedWithProtocol() {
    byte[] message =
        map("v", 1, "kind", "auth_hello", "e", KEY, "s", KEY, "x", List.of(Map.of("y", 1)));

    AuthFailureException refused = refuse(message);

    assertThat(refused.reason()).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(refused).hasMessageContaining("nesting deeper than 2");
  }

  @Test
  void theLargestMessageAHandshakeSendsIsUnderAQuarterOfTheBound() {
    byte[] offer =
        PairingV2Messages.encodeOffer(
            bytes(PairingV2KeySchedule.KEY_LENGTH, 1),
            bytes(Spake2.POINT_LENGTH, 2),
            bytes(Spake2.MAC_LENGTH, 3),
            bytes(PairingV2KeySchedule.SEALED_KEY_LENGTH, 4));

    assertThat(offer.length).isLessThan(HandshakeMessages.MAX_MESSAGE_BYTES / 4);
  }

  /** A valid {@code auth_hello} with an unknown bin key that brings it to {@code size} bytes. */
  private static byte[] padded(int size) {
    int overhead =
        map("v", 1, "kind", "auth_hello", "e", KEY, "s", KEY, "pad", bytes(300, 0)).length - 300;
    byte[] message =
        map("v", 1, "kind", "auth_hello", "e", KEY, "s", KEY, "pad", bytes(size - overhead, 0));
    assertThat(message.length).isEqualTo(size);
    return message;
  }

  private static AuthFailureException refuse(byte[] message) {
    return catchThrowableOfType(
        AuthFailureException.class, () -> HandshakeMessages.decode(message, "auth_hello"));
  }
}

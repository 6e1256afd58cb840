package dev.opendesk.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A 6-digit pairing code: the one-time secret a user carries from one device to the other.
 *
 * <p>{@link #random()} draws it uniformly from {@code 000000}–{@code 999999} with a {@link
 * SecureRandom} (leading zeros are part of the code). {@link #parse(String)} validates what a user
 * typed: surrounding whitespace and one space or hyphen in the middle ({@code "123 456"}, {@code
 * "123-456"}) are accepted, anything else that is not exactly six ASCII digits is refused.
 *
 * <pre>{@code
 * PairingCode code = PairingCode.random();
 * System.out.println("pairing code: " + code.digits());
 * PairingCode typed = PairingCode.parse(" 123-456 ");
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} masks the digits so a code is not logged by
 * accident; {@link #equals} compares in constant time.
 */
public final class PairingCode {

  /** Number of digits in a code. */
  public static final int LENGTH = 6;

  private static final int SPACE = 1_000_000;

  private final String digits;

  private PairingCode(String digits) {
    this.digits = digits;
  }

  /** A uniformly random code from the module's {@link SecureRandom}. */
  public static PairingCode random() {
    return random(Entropy.RANDOM);
  }

  /**
   * A uniformly random code from {@code random} (tests may seed one; production uses {@link
   * #random()}).
   */
  static PairingCode random(SecureRandom random) {
    // nextInt(bound) rejects the biased tail, so every code is equally likely.
    return new PairingCode(String.format("%06d", random.nextInt(SPACE)));
  }

  /**
   * Parses user input into a code.
   *
   * @throws IllegalArgumentException naming the field {@code code} if the input is not six ASCII
   *     digits (optionally split once by a space or hyphen, with surrounding whitespace)
   */
  public static PairingCode parse(String input) {
    Objects.requireNonNull(input, "code");
    String digits = normalise(input);
    if (digits == null) {
      throw new IllegalArgumentException(
          "code: expected "
              + LENGTH
              + " digits (e.g. 123456 or 123-456), got \""
              + PeerText.printable(input, 20)
              + "\"");
    }
    return new PairingCode(digits);
  }

  /** Whether {@link #parse(String)} would accept {@code input}. */
  public static boolean isValid(String input) {
    return input != null && normalise(input) != null;
  }

  private static String normalise(String input) {
    String s = input.strip();
    if (s.length() == LENGTH + 1) {
      char separator = s.charAt(3);
      if (separator != ' ' && separator != '-') {
        return null;
      }
      s = s.substring(0, 3) + s.substring(4);
    }
    if (s.length() != LENGTH) {
      return null;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return s;
  }

  /** The six digits, e.g. {@code "004217"}. */
  public String digits() {
    return digits;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PairingCode other
        && MessageDigest.isEqual(
            digits.getBytes(StandardCharsets.US_ASCII),
            other.digits.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public int hashCode() {
    // Constant: a code is a secret and is never meant to be a hash key.
    return PairingCode.class.hashCode();
  }

  /** {@code PairingCode[******]}: the digits are never shown. */
  @Override
  public String toString() {
    return "PairingCode[******]";
  }
}

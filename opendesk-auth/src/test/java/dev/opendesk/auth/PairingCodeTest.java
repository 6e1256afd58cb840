package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PairingCodeTest {

  @Test
  void randomCodesAreSixDigits() {
    for (int i = 0; i < 1000; i++) {
      assertThat(PairingCode.random().digits()).matches("[0-9]{6}");
    }
  }

  @Test
  void randomCodesKeepLeadingZerosAndCoverTheWholeRangeSeed7() throws Exception {
    SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
    seeded.setSeed(7L);
    int draws = 20_000;
    int[] firstDigit = new int[10];
    for (int i = 0; i < draws; i++) {
      String digits = PairingCode.random(seeded).digits();
      assertThat(digits).hasSize(6);
      firstDigit[digits.charAt(0) - '0']++;
    }
    // Uniform: each leading digit about 10 %; the bounds are many standard deviations wide.
    for (int count : firstDigit) {
      assertThat(count).isBetween(draws / 10 - 400, draws / 10 + 400);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "123456|123456",
        "000000|000000",
        " 004217 |004217",
        "123 456|123456",
        "123-456|123456"
      })
  void parseAcceptsWhatAUserTypes(String input, String digits) {
    assertThat(PairingCode.parse(input).digits()).isEqualTo(digits);
    assertThat(PairingCode.isValid(input)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "12345",
        "1234567",
        "12345a",
        "12 3456",
        "123--456",
        "１２３４５６",
        "١٢٣٤٥٦",
        "123_456",
        "+12345"
      })
  void parseRefusesAnythingElseNamingTheField(String input) {
    assertThatThrownBy(() -> PairingCode.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("code:");
    assertThat(PairingCode.isValid(input)).isFalse();
  }

  @Test
  void parseStripsSurroundingWhitespaceOfAnyKind() {
    assertThat(PairingCode.parse("\t987654\n").digits()).isEqualTo("987654");
  }

  @Test
  void toStringNeverShowsTheDigits() {
    assertThat(PairingCode.parse("123456").toString()).doesNotContain("123456");
  }

  @Test
  void equalCodesAreEqual() {
    assertThat(PairingCode.parse("123-456")).isEqualTo(PairingCode.parse("123456"));
    assertThat(PairingCode.parse("123456")).isNotEqualTo(PairingCode.parse("123457"));
  }
}

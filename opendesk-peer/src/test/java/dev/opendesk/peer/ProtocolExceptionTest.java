package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolExceptionTest {

  @Test
  void fromPicksTheSubclassOfTheCode() {
    assertThat(ProtocolException.from(ErrorInfo.of(ErrorCode.PERMISSION_DENIED, "x")))
        .isInstanceOf(PermissionDeniedException.class);
    assertThat(ProtocolException.from(ErrorInfo.of(ErrorCode.CAPABILITY_UNSUPPORTED, "x")))
        .isInstanceOf(CapabilityUnsupportedException.class);
    assertThat(ProtocolException.from(ErrorInfo.of(ErrorCode.CANCELLED, "x")))
        .isInstanceOf(CallCancelledException.class);
    assertThat(ProtocolException.from(ErrorInfo.of(ErrorCode.TIMEOUT, "x")))
        .isInstanceOf(CallTimeoutException.class);
    assertThat(ProtocolException.from(ErrorInfo.of(ErrorCode.BUSY, "x")))
        .isExactlyInstanceOf(ProtocolException.class);
  }

  @Test
  void unknownCodesSurviveUnchanged() {
    ProtocolException e =
        ProtocolException.from(new ErrorInfo("rate_limited", "slow down", Map.of("retry", 3L)));
    assertThat(e.code()).isEqualTo("rate_limited");
    assertThat(e.errorCode()).isEmpty();
    assertThat(e.errorMessage()).isEqualTo("slow down");
    assertThat(e.details()).containsEntry("retry", 3L);
    assertThat(e.getMessage()).isEqualTo("rate_limited: slow down");
  }

  @Test
  void subclassRejectsAnErrorWithAnotherCode() {
    assertThatThrownBy(() -> new CallTimeoutException(ErrorInfo.of(ErrorCode.BUSY, "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void subclassCarriesItsCode() {
    assertThat(new PermissionDeniedException("no").errorInfo())
        .isEqualTo(ErrorInfo.of(ErrorCode.PERMISSION_DENIED, "no"));
  }
}

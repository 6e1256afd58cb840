package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.FrameCodec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void defaultsAreDocumented() {
    PeerOptions options = PeerOptions.defaults();
    assertThat(options.maxConcurrentInboundCalls()).isEqualTo(1024);
    assertThat(options.maxConcurrentInboundStreams()).isEqualTo(256);
    assertThat(options.streamBufferFrames()).isEqualTo(64);
    assertThat(options.handlerExecutor()).isNull();
    assertThat(options.codec()).isSameAs(FrameCodec.standard());
    assertThat(options.defaultCallTimeout()).isNull();
  }

  @Test
  void outOfRangeLimitsAreRejectedNamingTheField() {
    assertThatThrownBy(() -> PeerOptions.builder().maxConcurrentInboundCalls(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConcurrentInboundCalls");
    assertThatThrownBy(() -> PeerOptions.builder().maxConcurrentInboundStreams(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConcurrentInboundStreams");
    assertThatThrownBy(() -> PeerOptions.builder().streamBufferFrames(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("streamBufferFrames");
    assertThatThrownBy(() -> PeerOptions.builder().defaultCallTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("defaultCallTimeout");
  }

  @Test
  void toBuilderKeepsEveryField() {
    PeerOptions options =
        PeerOptions.builder()
            .maxConcurrentInboundCalls(3)
            .maxConcurrentInboundStreams(2)
            .streamBufferFrames(5)
            .defaultCallTimeout(Duration.ofSeconds(2))
            .build();
    assertThat(options.toBuilder().build()).isEqualTo(options);
  }

  @Test
  void callTimeoutMustBePositive() {
    assertThatThrownBy(() -> CallOptions.timeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThat(CallOptions.defaults().timeout()).isNull();
  }
}

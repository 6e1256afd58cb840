package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebSocketOptionsTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    WebSocketOptions o = WebSocketOptions.defaults();
    assertThat(o.maxMessageSize()).isEqualTo(16 * 1024 * 1024);
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.upgradeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.maxPendingUpgrades())
        .isEqualTo(2048)
        .isEqualTo(WebSocketOptions.DEFAULT_MAX_PENDING_UPGRADES);
    assertThat(o.pingInterval()).isEqualTo(Duration.ofSeconds(20));
    assertThat(o.pongTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(o.closeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.path()).isEqualTo("/");
    assertThat(o.sslContext()).isEmpty();
    assertThat(o.eventLoopGroup()).isEmpty();
    assertThat(o.handlerExecutor()).isEmpty();
    assertThat(o.allowedOrigins()).isEmpty();
  }

  @Test
  void toBuilderKeepsEverySetting() {
    WebSocketOptions o =
        WebSocketOptions.builder()
            .maxMessageSize(10)
            .path("/x")
            .pingInterval(Duration.ZERO)
            .maxPendingUpgrades(3)
            .allowedOrigins(List.of("https://a.example"))
            .build();
    WebSocketOptions copy = o.toBuilder().build();
    assertThat(copy.maxMessageSize()).isEqualTo(10);
    assertThat(copy.path()).isEqualTo("/x");
    assertThat(copy.pingInterval()).isZero();
    assertThat(copy.maxPendingUpgrades()).isEqualTo(3);
    assertThat(copy.allowedOrigins()).containsExactly("https://a.example");
  }

  @Test
  void allowedOriginsAreStoredInLowerCase() {
    assertThat(
            WebSocketOptions.builder()
                .allowedOrigins(List.of("HTTPS://App.Example:8443", "null"))
                .build()
                .allowedOrigins())
        .containsExactlyInAnyOrder("https://app.example:8443", "null");
  }

  @Test
  void allowedOriginWithAPathOrNoSchemeIsRejectedNamingTheField() {
    WebSocketOptions.Builder b = WebSocketOptions.builder();
    assertThatThrownBy(() -> b.allowedOrigins(List.of("https://a.example/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowedOrigins");
    assertThatThrownBy(() -> b.allowedOrigins(List.of("a.example")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowedOrigins");
    assertThatThrownBy(() -> b.allowedOrigins(Arrays.asList("https://a.example", null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("allowedOrigins");
  }

  @Test
  void invalidValuesAreRejectedNamingTheField() {
    WebSocketOptions.Builder b = WebSocketOptions.builder();
    assertThatThrownBy(() -> b.maxMessageSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxMessageSize");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO))
        .hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> b.upgradeTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("upgradeTimeout");
    assertThatThrownBy(() -> b.maxPendingUpgrades(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPendingUpgrades");
    assertThatThrownBy(() -> b.maxPendingUpgrades(-1)).hasMessageContaining("maxPendingUpgrades");
    assertThatThrownBy(() -> b.pingInterval(Duration.ofSeconds(-1)))
        .hasMessageContaining("pingInterval");
    assertThatThrownBy(() -> b.pongTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("pongTimeout");
    assertThatThrownBy(() -> b.closeTimeout(Duration.ZERO)).hasMessageContaining("closeTimeout");
    assertThatThrownBy(() -> b.path("no-slash")).hasMessageContaining("path");
    assertThatThrownBy(() -> b.path("/a?b")).hasMessageContaining("path");
  }

  @Test
  void maxPendingUpgradesOfOneIsAccepted() {
    assertThat(WebSocketOptions.builder().maxPendingUpgrades(1).build().maxPendingUpgrades())
        .isEqualTo(1);
  }

  @Test
  void zeroPingIntervalDisablesKeepalive() {
    assertThat(WebSocketOptions.builder().pingInterval(Duration.ZERO).build().pingInterval())
        .isZero();
  }
}

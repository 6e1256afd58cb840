package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatcherTest {

  @Test
  void capabilitiesListTheRegisteredMethodsSorted() {
    Dispatcher dispatcher =
        Dispatcher.builder().unary("zeta", (ctx, p) -> null).stream("alpha", (ctx, p, sink) -> {})
            .publisher("mid", (ctx, p) -> null)
            .build();
    assertThat(dispatcher.methods()).containsExactly("alpha", "mid", "zeta");
    assertThat(dispatcher.capabilities())
        .isEqualTo(Map.of("capabilities", List.of("alpha", "mid", "zeta")));
  }

  @Test
  void registeringAMethodTwiceIsRejectedNamingIt() {
    Dispatcher.Builder builder = Dispatcher.builder().unary("echo", (ctx, p) -> p);
    assertThatThrownBy(() -> builder.stream("echo", (ctx, p, sink) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("echo");
  }

  @Test
  void emptyMethodNameIsRejected() {
    assertThatThrownBy(() -> Dispatcher.builder().unary("", (ctx, p) -> p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("method");
  }
}

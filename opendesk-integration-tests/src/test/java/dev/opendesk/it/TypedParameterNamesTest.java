package dev.opendesk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.LoopbackConnection;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parameter names of a typed service come from {@code javac -parameters} when the interface was
 * compiled with it, and are refused at bind time when it was not (the build compiles this module
 * without the flag, so the interfaces are compiled here, both ways).
 */
@Timeout(60)
class TypedParameterNamesTest {

  private static final String JOINER =
      "public interface Joiner {\n"
          + "  java.util.Map<String, Object> join(String first, long count);\n"
          + "}\n";

  @TempDir Path dir;

  private Class<?> compileJoiner(String... flags) throws Exception {
    Path source = Files.writeString(dir.resolve("Joiner.java"), JOINER);
    List<String> args = new ArrayList<>(List.of(flags));
    args.addAll(List.of("-d", dir.toString(), source.toString()));
    assertThat(
            ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)))
        .isZero();
    URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()});
    return loader.loadClass("Joiner");
  }

  @Test
  void namesKeptByJavacParametersBecomeTheParamsKeys() throws Exception {
    Class<?> joiner = compileJoiner("-parameters");
    List<Map<String, Object>> received = new ArrayList<>();
    Dispatcher dispatcher =
        Dispatcher.builder()
            .unary(
                "joiner.join",
                (ctx, params) -> {
                  received.add(params);
                  return Map.of("ok", true);
                })
            .build();
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    try (Peer server = Peer.server(pair.second(), dispatcher);
        Peer client = Peer.client(pair.first())) {
      CompletableFuture<Hello> serverHello = server.hello();
      client.hello().get(10, TimeUnit.SECONDS);
      serverHello.get(10, TimeUnit.SECONDS);
      server.start();
      client.start();
      Object proxy = client.service(joiner);
      Method join = joiner.getMethod("join", String.class, long.class);

      assertThat(join.invoke(proxy, "x", 3L)).isEqualTo(Map.of("ok", true));
    }
    assertThat(received).containsExactly(Map.of("first", "x", "count", 3L));
  }

  @Test
  void withoutJavacParametersTheUnnamedParameterIsRefusedAtBindTime() throws Exception {
    Class<?> joiner = compileJoiner();
    Peer client = Peer.client(LoopbackConnection.pair().first());
    try {
      assertThatThrownBy(() -> client.service(joiner))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "Joiner.join(String, long): parameter 0 (java.lang.String) has no name")
          .hasMessageContaining("@Param")
          .hasMessageContaining("javac -parameters");
    } finally {
      client.close();
    }
  }
}

package dev.opendesk.it.modular;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ModularApp} run as a user runs a modular application: its jar and its runtime dependencies
 * on {@code --module-path}, started with {@code -m}, nothing on the class path.
 */
@Timeout(120)
class ModulePathIT {

  private static final String MODULE = "dev.opendesk.it.modular";

  /** The application's jar, then its runtime dependencies (from maven-dependency-plugin). */
  private static List<Path> modulePath() throws IOException {
    List<Path> path = new ArrayList<>();
    path.add(Path.of(System.getProperty("opendesk.modular.jar")));
    String deps =
        Files.readString(
                Path.of(System.getProperty("opendesk.modular.path")), StandardCharsets.UTF_8)
            .trim();
    Arrays.stream(deps.split(java.io.File.pathSeparator)).map(Path::of).forEach(path::add);
    return path;
  }

  @Test
  void applicationPairsAndCallsWithEveryLibraryModuleNamedOnTheModulePath() throws Exception {
    String modulePath =
        String.join(java.io.File.pathSeparator, modulePath().stream().map(Path::toString).toList());
    Path out = Files.createTempFile("modular-app", ".out");
    Process app =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path",
                modulePath,
                "-m",
                MODULE + "/" + ModularApp.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    boolean exited = app.waitFor(90, TimeUnit.SECONDS);
    if (!exited) {
      app.descendants().forEach(ProcessHandle::destroyForcibly);
      app.destroyForcibly();
    }
    String transcript = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);

    assertThat(exited).as("the application exits by itself:\n" + transcript).isTrue();
    assertThat(app.exitValue()).as(transcript).isZero();
    assertThat(transcript)
        .contains(
            "echo {text=modular}",
            "module dev.opendesk.it.modular named",
            "module dev.opendesk named",
            "module dev.opendesk.peer named",
            "module dev.opendesk.protocol named",
            "module dev.opendesk.auth named",
            "module dev.opendesk.transport.ws named",
            "module msgpack.core automatic");
  }

  /**
   * msgpack-core declares no module name, so {@code dev.opendesk.protocol} requires the name the
   * JDK derives from its jar's file name. When an upgrade of msgpack-core brings a declared name
   * (upstream has proposed {@code org.msgpack.core}), this fails first and says what to change.
   */
  @Test
  void protocolRequiresTheModuleNameTheMsgpackCoreJarHas() throws Exception {
    Path msgpack =
        modulePath().stream()
            .filter(p -> p.getFileName().toString().startsWith("msgpack-core-"))
            .findFirst()
            .orElseThrow();
    Path protocol =
        modulePath().stream()
            .filter(p -> p.getFileName().toString().startsWith("opendesk-protocol-"))
            .findFirst()
            .orElseThrow();
    ModuleDescriptor msgpackModule = only(ModuleFinder.of(msgpack));
    ModuleDescriptor protocolModule = only(ModuleFinder.of(protocol));

    assertThat(protocolModule.requires())
        .as(
            "dev.opendesk.protocol must require msgpack-core by the name %s has: update the"
                + " requires in opendesk-protocol's module-info.java (and the README) with the"
                + " msgpack-core version",
            msgpack.getFileName())
        .extracting(ModuleDescriptor.Requires::name)
        .contains(msgpackModule.name());
  }

  private static ModuleDescriptor only(ModuleFinder finder) {
    List<ModuleReference> found = new ArrayList<>(finder.findAll());
    assertThat(found).hasSize(1);
    return found.get(0).descriptor();
  }
}

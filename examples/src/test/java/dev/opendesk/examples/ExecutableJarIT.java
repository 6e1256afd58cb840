package dev.opendesk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code opendesk-demo.jar} as a user runs it: {@code java -jar}, no JVM options. On JDK 24+ the
 * JVM warns on stderr about native access and {@code sun.misc.Unsafe}; the jar must give it no
 * reason to.
 */
@Timeout(120)
class ExecutableJarIT {

  @Test
  void demoPrintsNoJvmWarningsOnStderr() throws Exception {
    try (JarProcess demo = JarProcess.start("demo")) {
      int status = demo.waitFor(Duration.ofSeconds(90));

      assertThat(status).as(demo.transcript()).isZero();
      assertThat(demo.stdout()).contains("done in ");
      assertThat(demo.stderr()).as(demo.transcript()).doesNotContain("WARNING:");
    }
  }

  @Test
  void manifestEnablesNativeAccessAndStartsThroughJarMain() throws Exception {
    try (JarFile jar = new JarFile(Path.of(System.getProperty("opendesk.demo.jar")).toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();

      assertThat(main.getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
      assertThat(main.getValue(Attributes.Name.MAIN_CLASS)).isEqualTo(JarMain.class.getName());
    }
  }
}

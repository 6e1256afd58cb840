package dev.opendesk.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java snippet of the README's "Using it with…" section, taken from the README itself,
 * compiled by the running JDK (so the JDK 21+ ones compile there, while the build targets 17) and
 * run with {@code client} a started client peer of a server serving {@code echo} and {@code count}.
 */
@Timeout(120)
class ReadmeUsingItWithTest {

  private static final Path README = Path.of("..", "README.md");
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

  private static InteropSessions sessions;

  @TempDir static Path classes;

  @BeforeAll
  static void openSession() throws Exception {
    sessions = InteropSessions.open(InteropSessions.Transport.LOOPBACK);
  }

  @AfterAll
  static void closeSession() throws Exception {
    sessions.close();
  }

  static List<String> snippets() throws IOException {
    String readme = Files.readString(README);
    int start = readme.indexOf("\n## Using it with…\n");
    assertThat(start).as("the README has the section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    Matcher blocks = JAVA_BLOCK.matcher(readme.substring(start, end));
    List<String> snippets = new ArrayList<>();
    while (blocks.find()) {
      snippets.add(blocks.group(1));
    }
    return snippets;
  }

  @TestFactory
  Stream<DynamicTest> everyJavaSnippetCompilesAndRuns() throws IOException {
    List<String> snippets = snippets();
    assertThat(snippets).hasSizeGreaterThanOrEqualTo(3);
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < snippets.size(); i++) {
      String snippet = snippets.get(i);
      String name = "Snippet" + i;
      tests.add(
          DynamicTest.dynamicTest(firstCodeLine(snippet), () -> compileAndRun(name, snippet)));
    }
    return tests.stream();
  }

  private static void compileAndRun(String name, String snippet) throws Exception {
    if (snippet.contains("JDK 21+")) {
      assumeTrue(Runtime.version().feature() >= 21, "needs JDK 21+");
    }
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : snippet.split("\n", -1)) {
      (line.startsWith("import ") ? imports : body).append(line).append('\n');
    }
    String source =
        imports
            + "public class "
            + name
            + " {\n  public static void run(dev.opendesk.peer.Peer client) throws Exception {\n"
            + body
            + "  }\n}\n";
    Path file = Files.writeString(classes.resolve(name + ".java"), source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    boolean compiled =
        javac
            .getTask(
                errors,
                null,
                null,
                List.of(
                    "-d",
                    classes.toString(),
                    "-classpath",
                    System.getProperty("java.class.path"),
                    "--release",
                    Integer.toString(Runtime.version().feature())),
                null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(file))
            .call();
    assertThat(compiled).as("compiles:\n%s\n%s", source, errors).isTrue();
    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, ReadmeUsingItWithTest.class.getClassLoader())) {
      Method run = loader.loadClass(name).getMethod("run", dev.opendesk.peer.Peer.class);
      run.invoke(null, sessions.client);
    }
  }

  private static String firstCodeLine(String snippet) {
    return snippet
        .lines()
        .filter(line -> !line.startsWith("import ") && !line.isBlank())
        .findFirst()
        .orElse("snippet");
  }
}

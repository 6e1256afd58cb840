package dev.opendesk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DemoTest {

  @Test
  void demoRunsToCompletionAndPrintsTheTranscript() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    new Demo(out, false).run();

    String transcript = bytes.toString(StandardCharsets.UTF_8);
    assertThat(transcript)
        .contains(
            "server  listening on ws://127.0.0.1:",
            "pair    code ",
            "pairing v2 (SPAKE2)",
            "client trusts server ",
            "auth    reconnected",
            "push    demo.tick {\"n\":1}",
            "echo    {\"text\":\"hello, opendesk\",\"bytes\":\"AAEC/v8=\"}",
            "count   [####################] 20/20",
            "the server answered \"cancelled\"",
            "fail    PermissionDeniedException: permission_denied: not allowed in the demo",
            "done in ")
        .doesNotContainPattern("[0-9a-f]{64}"); // fingerprints only, never whole keys
  }
}

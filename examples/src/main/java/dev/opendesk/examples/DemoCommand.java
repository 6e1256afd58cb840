package dev.opendesk.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code demo}: server and client in one process, each with a temporary home; prints a transcript.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Runs a server and a client in this process (127.0.0.1, ephemeral port, temporary homes): "
            + "pairs them (pairing v2), reconnects, calls, streams, cancels, fails and receives a push.")
final class DemoCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    new Demo(System.out, System.console() != null).run();
    return 0;
  }
}

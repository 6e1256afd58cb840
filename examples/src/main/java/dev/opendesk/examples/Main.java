package dev.opendesk.examples;

import dev.opendesk.peer.ProtocolException;
import dev.opendesk.protocol.Failures;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code opendesk-demo} command line: {@code demo} (the default), {@code serve}, {@code check},
 * {@code pair}, {@code call} and {@code stream}. Run {@code java -jar opendesk-demo.jar --help}.
 */
@Command(
    name = "opendesk-demo",
    mixinStandardHelpOptions = true,
    version = "opendesk-demo 0.1.0 (opendesk protocol v1, pairing v2)",
    description =
        "The opendesk demo, a server and client for trying opendesk peers. Without a subcommand, runs the demo.",
    subcommands = {
      DemoCommand.class,
      ServeCommand.class,
      CheckCommand.class,
      PairCommand.class,
      CallCommand.class,
      StreamCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {

  /** Exit status of a failed command (usage errors exit with 2, picocli's default). */
  static final int FAILED = 1;

  private Main() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status, without exiting (for tests). */
  static int run(String... args) {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(
            (e, command, parsed) -> {
              command.getErr().println("error: " + describe(e));
              command.getErr().flush();
              return FAILED;
            })
        .execute(args);
  }

  /**
   * One line for a failure: no stack trace, the remote's error code and details when there are
   * some.
   */
  static String describe(Throwable failure) {
    Throwable t = Failures.unwrap(failure);
    if (t instanceof ProtocolException p) {
      return p.getMessage() + (p.details().isEmpty() ? "" : " " + JsonValues.render(p.details()));
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  @Override
  public Integer call() throws Exception {
    return new DemoCommand().call();
  }
}

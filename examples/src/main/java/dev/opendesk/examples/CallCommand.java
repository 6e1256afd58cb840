package dev.opendesk.examples;

import dev.opendesk.peer.CallOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code call}: one unary call, JSON in and out. */
@Command(
    name = "call",
    mixinStandardHelpOptions = true,
    description =
        "Authenticates with the trusted server, calls METHOD with the JSON object as params and prints the "
            + "result as JSON (bytes as base64; send bytes as {\"$base64\": \"...\"}).")
final class CallCommand implements Callable<Integer> {

  static final Duration TIMEOUT = Duration.ofMinutes(2);

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "METHOD", description = "The method, e.g. echo.")
  String method;

  @Parameters(
      index = "1",
      paramLabel = "JSON",
      defaultValue = "{}",
      description = "The params, a JSON object (default: {}).")
  String json;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> params = JsonValues.parseObject(json);
    try (ClientConnector.Connected connected = client.connector().auth(p -> {})) {
      Map<String, Object> result =
          connected
              .peer()
              .call(method, params, CallOptions.timeout(TIMEOUT))
              .get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
      System.out.println(JsonValues.render(result));
    }
    return 0;
  }
}

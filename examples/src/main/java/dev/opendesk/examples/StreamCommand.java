package dev.opendesk.examples;

import dev.opendesk.peer.CallStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code stream}: one stream call, printing each item as a line of JSON. */
@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    description =
        "Authenticates with the trusted server, opens a stream call of METHOD with the JSON object as "
            + "params and prints each item as one line of JSON (bytes as base64).")
final class StreamCommand implements Callable<Integer> {

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "METHOD", description = "The method, e.g. count.")
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
    try (ClientConnector.Connected connected = client.connector().auth(p -> {});
        CallStream<Map<String, Object>> items = connected.peer().stream(method, params)) {
      while (items.hasNext()) {
        System.out.println(JsonValues.render(items.next()));
      }
    }
    return 0;
  }
}

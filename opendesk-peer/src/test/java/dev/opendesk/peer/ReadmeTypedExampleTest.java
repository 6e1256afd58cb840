package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The "Typed services" snippet of the README, verbatim apart from the assertions. */
@Timeout(30)
class ReadmeTypedExampleTest {

  record Region(long x, long y, long width, long height) {}

  record Image(long width, long height, byte[] pixels) {}

  @ServicePrefix("display") // wire names display.capture, display.captureAsync, display.resize
  interface Display {
    Image capture(Region region); // blocking; the one record parameter is the params map

    CompletableFuture<Image> captureAsync(Region region);

    void resize(@Param("width") long width, @Param("height") long height, CallOptions options);
  }

  static class ScreenDisplay implements Display {
    @Override
    public Image capture(Region r) {
      return new Image(r.width(), r.height(), new byte[0]);
    }

    @Override
    public CompletableFuture<Image> captureAsync(Region r) {
      return CompletableFuture.supplyAsync(() -> capture(r));
    }

    @Override
    public void resize(long width, long height, CallOptions options) {}
  }

  @Test
  void typedSnippetWorks() throws Exception {
    // Server: every method becomes a route, and a capability in the HELLO.
    Dispatcher dispatcher =
        Dispatcher.builder().service(Display.class, new ScreenDisplay()).build();

    try (PeerPair peers = PeerPair.serving(dispatcher)) {
      Peer client = peers.client();

      // Client: a proxy over the started client peer (or any other Caller).
      Display display = client.service(Display.class);
      Image shot = display.capture(new Region(0, 0, 640, 480));
      display.resize(1280, 720, CallOptions.timeout(Duration.ofSeconds(5)));

      assertThat(shot.width()).isEqualTo(640);
      assertThat(display.captureAsync(new Region(0, 0, 1, 2)).get(10, TimeUnit.SECONDS).height())
          .isEqualTo(2);
      assertThat(client.remoteHello().orElseThrow().capabilities().get("capabilities"))
          .isEqualTo(
              java.util.List.of("display.capture", "display.captureAsync", "display.resize"));
    }
  }
}

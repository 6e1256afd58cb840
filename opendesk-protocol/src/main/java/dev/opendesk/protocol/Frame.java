package dev.opendesk.protocol;

/**
 * One opendesk v1 frame (PROTOCOL.md §3). Frames are immutable values; equality compares nested
 * {@code byte[]} values by content.
 *
 * <p>The frame types ({@link Req}, {@link Res}, {@link Cancel} among them) are public for what
 * works below a peer: {@code opendesk-peer} itself, custom transports and tools that read or write
 * frames with {@link FrameCodec} (the demo's {@code check} command and frame tap, the codec
 * benchmark, test clients that send raw frames). Applications call through a peer and never need
 * them.
 */
public sealed interface Frame permits Hello, Req, Res, Cancel, Push {

  /** The protocol version every frame carries in {@code v}. */
  int VERSION = 1;

  /**
   * The wire value of {@code type}: {@code hello}, {@code req}, {@code res}, {@code cancel} or
   * {@code push}.
   */
  String type();
}

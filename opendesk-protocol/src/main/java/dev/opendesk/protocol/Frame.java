package dev.opendesk.protocol;

/**
 * One opendesk v1 frame (PROTOCOL.md §3). Frames are immutable values; equality compares nested
 * {@code byte[]} values by content.
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

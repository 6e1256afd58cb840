package dev.opendesk.protocol;

/** Argument checks shared by the frame records. */
final class Frames {
  private Frames() {}

  static void requireId(long id) {
    if (id < 0) {
      throw new IllegalArgumentException("id must be non-negative: " + id);
    }
  }
}

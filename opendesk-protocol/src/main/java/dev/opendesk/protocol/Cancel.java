package dev.opendesk.protocol;

import java.util.Objects;

/**
 * CANCEL: the caller abandons call {@code id}; the callee should answer with a final RES whose
 * error code is {@code cancelled}.
 *
 * @param id the id of the call to cancel
 * @param reason why, {@code ""} by default
 */
public record Cancel(long id, String reason) implements Frame {

  /** Validates and normalises: a {@code null} reason becomes {@code ""}. */
  public Cancel {
    Frames.requireId(id);
    reason = Objects.requireNonNullElse(reason, "");
  }

  @Override
  public String type() {
    return "cancel";
  }
}

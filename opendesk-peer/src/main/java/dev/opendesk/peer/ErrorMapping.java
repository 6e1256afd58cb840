package dev.opendesk.peer;

import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Failures;
import java.io.FileNotFoundException;
import java.nio.file.NoSuchFileException;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/** How handler failures become wire errors (the table in {@link Dispatcher}'s documentation). */
final class ErrorMapping {

  private ErrorMapping() {}

  /** The wire error for what a handler threw or its stage failed with. */
  static ErrorInfo toErrorInfo(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof ProtocolException p) {
      return p.errorInfo();
    }
    if (t instanceof IllegalArgumentException) {
      return ErrorInfo.of(ErrorCode.INVALID_ARGUMENT, messageOf(t));
    }
    if (t instanceof NoSuchElementException
        || t instanceof FileNotFoundException
        || t instanceof NoSuchFileException) {
      return ErrorInfo.of(ErrorCode.NOT_FOUND, messageOf(t));
    }
    if (t instanceof TimeoutException) {
      return ErrorInfo.of(ErrorCode.TIMEOUT, messageOf(t));
    }
    if (t instanceof CancellationException) {
      return ErrorInfo.of(ErrorCode.CANCELLED, messageOf(t));
    }
    if (t instanceof SecurityException) {
      return ErrorInfo.of(ErrorCode.PERMISSION_DENIED, messageOf(t));
    }
    // Unclassified failures may carry internal detail in their message: name the type only.
    return ErrorInfo.of(ErrorCode.INTERNAL, "handler failed with " + t.getClass().getName());
  }

  /** Strips the wrappers that futures add around the real failure ({@link Failures#unwrap}). */
  static Throwable unwrap(Throwable t) {
    return Failures.unwrap(t);
  }

  private static String messageOf(Throwable t) {
    return t.getMessage() == null ? "" : t.getMessage();
  }
}

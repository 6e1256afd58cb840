package dev.opendesk.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The root of the exceptions opendesk-java throws for its own reasons: {@link
 * ConnectionClosedException}, {@link CodecException}, {@code AuthFailureException} and {@code
 * ProtocolException} with their subclasses. Catch it to handle every opendesk failure at once; JDK
 * exceptions for misuse ({@link IllegalArgumentException}, {@link IllegalStateException}, {@link
 * NullPointerException}) are not wrapped.
 *
 * <p>Unchecked: a call's failure arrives through its future as often as by a throw, where a checked
 * exception cannot be declared. The two exceptions outside this root are {@code
 * CorruptTrustStoreException} and {@code InsecureFileException}, {@link java.io.IOException}s: they
 * are thrown where key and trust files are read, next to the {@code IOException}s of reading them,
 * and are handled the same way (the operator fixes the file or its permissions).
 *
 * <p>Immutable and thread-safe, as its subclasses are.
 */
public abstract class OpendeskException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An exception with a message and no cause. */
  protected OpendeskException(String message) {
    super(message);
  }

  /** An exception with a message and the failure that caused it. */
  protected OpendeskException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}

package dev.opendesk.peer;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The wire error code that a {@link ProtocolException} subclass stands for, so that a typed service
 * method declaring it ({@code throws WindowNotFoundException}) fails with it when the remote
 * answers with that code.
 *
 * <pre>{@code
 * @RemoteError("window_not_found")
 * class WindowNotFoundException extends ProtocolException {
 *   public WindowNotFoundException(ErrorInfo error) { super(error); } // required: the caller's side
 *   WindowNotFoundException(String message) { super("window_not_found", message, null); }
 * }
 * }</pre>
 *
 * <p>The class needs a public constructor taking the {@link dev.opendesk.protocol.ErrorInfo}. The
 * library's own subclasses ({@link PermissionDeniedException}, {@link CallTimeoutException}, …)
 * need no annotation: their codes already surface as them.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RemoteError {
  /** The wire code, e.g. {@code "window_not_found"}. */
  String value();
}

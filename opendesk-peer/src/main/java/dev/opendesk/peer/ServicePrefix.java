package dev.opendesk.peer;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The wire-name prefix of a typed service interface: its methods are called as {@code
 * prefix.method}.
 *
 * <pre>{@code
 * @ServicePrefix("display")
 * interface Display {
 *   Image capture(Region region); // wire name "display.capture"
 * }
 * }</pre>
 *
 * <p>Without this annotation the prefix is the interface's simple name with its first letter in
 * lower case ({@code Display} → {@code display}). An empty prefix ({@code @ServicePrefix("")})
 * gives wire names without a prefix or dot.
 *
 * @see Caller#service(Class)
 * @see Dispatcher.Builder#service(Class, Object)
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ServicePrefix {
  /** The prefix, without the trailing dot; may be empty for none. */
  String value();
}

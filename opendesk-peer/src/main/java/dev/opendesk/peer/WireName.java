package dev.opendesk.peer;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The wire name of a method of a typed service interface, in place of the Java method name; the
 * interface's {@link ServicePrefix prefix} still comes first.
 *
 * <pre>{@code
 * @ServicePrefix("display")
 * interface Display {
 *   @WireName("capture")
 *   Image captureRegion(Region region); // wire name "display.capture"
 * }
 * }</pre>
 *
 * <p>Without this annotation the wire name is the Java method name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface WireName {
  /** The method's part of the wire name; not empty. */
  String value();
}

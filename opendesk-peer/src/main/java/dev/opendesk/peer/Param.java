package dev.opendesk.peer;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The key under which a parameter of a typed service method travels in the params map.
 *
 * <pre>{@code
 * interface Windows {
 *   Window move(@Param("id") long id, @Param("x") long x, @Param("y") long y);
 *   // params {"id": …, "x": …, "y": …}
 * }
 * }</pre>
 *
 * <p>A method whose only parameter is a record, POJO or {@code Map} sends that object as the params
 * map and needs no name. Every other parameter (several parameters, or one of a plain value type
 * such as {@code String} or {@code long}) is sent under its name: this annotation's value, or the
 * Java parameter name when the interface is compiled with {@code javac -parameters}. A parameter
 * with neither is rejected when the interface is bound, naming the interface, method and parameter.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Param {
  /** The params-map key; not empty. */
  String value();
}

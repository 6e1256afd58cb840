/**
 * Frames, codec and connections of the opendesk protocol v1.
 *
 * <h2>Value model</h2>
 *
 * The open-ended parts of frames ({@code params}, {@code result}, {@code payload}, {@code
 * capabilities}, {@code auth}, {@code details}) are {@code Map<String, Object>} whose values are,
 * recursively:
 *
 * <ul>
 *   <li>{@code null} (msgpack nil)
 *   <li>{@link java.lang.Boolean}
 *   <li>{@link java.lang.Long}, or {@link java.math.BigInteger} for unsigned values beyond {@code
 *       Long.MAX_VALUE} (up to 2<sup>64</sup>-1)
 *   <li>{@link java.lang.Double} (always float64 on the wire)
 *   <li>{@link java.lang.String} (msgpack str, UTF-8)
 *   <li>{@code byte[]} (msgpack bin; a str never decodes to bytes, nor bin to a string)
 *   <li>{@code List<Object>} (msgpack array)
 *   <li>{@code Map<String, Object>} (msgpack map with str keys, insertion order kept)
 * </ul>
 *
 * The decoder produces exactly these types, as unmodifiable collections. The encoder also accepts
 * {@code Integer}, {@code Short}, {@code Byte} (as integers), {@code Float} (widened to float64),
 * any {@link java.util.Collection} (as an array) and {@link java.lang.Enum} (as its name); anything
 * else is rejected with an {@link java.lang.IllegalArgumentException} naming the field. To move
 * between this model and records or POJOs, use {@link dev.opendesk.protocol.Values}.
 *
 * <p>Maps given to frame constructors are wrapped read-only but not copied: do not mutate them
 * afterwards.
 */
@NullMarked
package dev.opendesk.protocol;

import org.jspecify.annotations.NullMarked;

package dev.opendesk.protocol;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A decoded msgpack array: immutable, over the array it was decoded into (one object where an
 * {@code ArrayList} behind an unmodifiable view costs two). Thread-safe (immutable).
 */
final class DecodedList extends AbstractList<Object> implements RandomAccess {
  private final Object[] elements;

  /** Takes {@code elements} (not copied). */
  DecodedList(Object[] elements) {
    this.elements = elements;
  }

  @Override
  public Object get(int index) {
    return elements[index];
  }

  @Override
  public int size() {
    return elements.length;
  }
}

package dev.opendesk.protocol;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The outer map of a frame while {@link FrameReader} looks at it: a reusable, insertion-ordered
 * array map of at most {@link #CAPACITY} entries (a frame has at most 7; a larger one is read into
 * an ordinary map). Linear lookups over a handful of keys; a repeated key replaces the value, as in
 * a {@code LinkedHashMap}. Integers are kept unboxed ({@link #putLong}) and boxed only if read as
 * map values, so a frame's id costs no {@code Long} on the way to its record. Not thread-safe: one
 * per thread, never escapes {@link FrameDecoder}.
 */
final class FrameFields extends AbstractMap<String, Object> {
  static final int CAPACITY = 16;

  /** The value of an entry whose integer is in {@code longs}. */
  private static final Object LONG = new Object();

  private final String[] keys = new String[CAPACITY];
  private final Object[] values = new Object[CAPACITY];
  private final long[] longs = new long[CAPACITY];
  private int size;

  /**
   * Frame keys and the literals {@link FrameReader} looks up are the same instances (see {@link
   * StringCache}), so an identity pass finds them without comparing characters.
   */
  private int indexOf(Object key) {
    for (int i = 0; i < size; i++) {
      if (keys[i] == key) {
        return i;
      }
    }
    return equalIndex(key);
  }

  private int equalIndex(Object key) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Object put(String key, Object value) {
    int i = equalIndex(key);
    if (i >= 0) {
      Object old = value(i);
      values[i] = value;
      return old;
    }
    keys[size] = key;
    values[size++] = value;
    return null;
  }

  /** Puts an integer, as {@code put(key, value)} would put it boxed. */
  void putLong(String key, long value) {
    int i = equalIndex(key);
    if (i < 0) {
      i = size++;
      keys[i] = key;
    }
    values[i] = LONG;
    longs[i] = value;
  }

  /** The integer under {@code key} if it is one and not negative, else -1: no boxing. */
  long nonNegativeLong(String key) {
    int i = indexOf(key);
    return i >= 0 && values[i] == LONG && longs[i] >= 0 ? longs[i] : -1;
  }

  @Override
  public Object get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : value(i);
  }

  private Object value(int i) {
    return values[i] == LONG ? Long.valueOf(longs[i]) : values[i];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void clear() {
    Arrays.fill(keys, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    Set<Map.Entry<String, Object>> entries = new LinkedHashSet<>();
    for (int i = 0; i < size; i++) {
      entries.add(new AbstractMap.SimpleImmutableEntry<>(keys[i], value(i)));
    }
    return entries;
  }
}

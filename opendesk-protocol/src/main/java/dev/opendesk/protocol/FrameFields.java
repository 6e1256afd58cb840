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
  // Whether a key outside the frame vocabulary was put: only then may a lookup need equals.
  private boolean foreignKeys;

  /**
   * A key of the frame vocabulary is put as its shared instance ({@link StringCache#vocabulary}),
   * and the literals {@link FrameReader} looks up are those instances (interned), so an identity
   * pass finds them; a key equal to one of them is always that instance. Only keys outside the
   * vocabulary, which need equals, are looked for by equality, and only if any was put.
   */
  private int indexOf(Object key) {
    int i = indexOfInstance(key);
    return i < 0 && foreignKeys ? equalIndex(key) : i;
  }

  private int equalIndex(Object key) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** The slot for {@code key}: its entry's, or a new one. */
  private int slotFor(String key, boolean vocabulary) {
    int i;
    if (vocabulary) {
      i = indexOfInstance(key);
    } else {
      foreignKeys = true;
      i = equalIndex(key);
    }
    if (i < 0) {
      i = size++;
      keys[i] = key;
    }
    return i;
  }

  private int indexOfInstance(Object key) {
    for (int i = 0; i < size; i++) {
      if (keys[i] == key) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Puts {@code value} under {@code key}, replacing an earlier value.
   *
   * @param vocabulary whether {@code key} is the frame vocabulary's shared instance
   */
  void put(String key, boolean vocabulary, Object value) {
    values[slotFor(key, vocabulary)] = value;
  }

  /** Puts an integer, as {@code put} would put it boxed. */
  void putLong(String key, boolean vocabulary, long value) {
    int i = slotFor(key, vocabulary);
    values[i] = LONG;
    longs[i] = value;
  }

  @Override
  public Object put(String key, Object value) {
    int before = size;
    int i = slotFor(key, false);
    Object old = i < before ? value(i) : null;
    values[i] = value;
    return old;
  }

  /** The integer under {@code key} if it is one and not negative, else -1: no boxing. */
  long nonNegativeLong(String key) {
    int i = indexOf(key);
    return i >= 0 && values[i] == LONG && longs[i] >= 0 ? longs[i] : -1;
  }

  @Override
  public Object getOrDefault(Object key, Object absent) {
    int i = indexOf(key);
    return i < 0 ? absent : value(i);
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
    foreignKeys = false;
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

package dev.opendesk.protocol;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A small decoded msgpack map: immutable, in wire order, its keys and values in one array. Lookups
 * scan at most {@link #MAX_ENTRIES} keys. It costs two objects where a {@code LinkedHashMap} behind
 * an unmodifiable view costs one per entry plus three, which is most of what decoding a small REQ
 * used to allocate. Thread-safe (immutable).
 */
final class DecodedMap extends AbstractMap<String, Object> {

  /** Maps with more entries are decoded into a hash map instead. */
  static final int MAX_ENTRIES = 8;

  /** Keys at even indexes, each followed by its value. */
  private final Object[] entries;

  private final int size;

  /** Takes {@code entries} (not copied): {@code size} distinct keys, each followed by its value. */
  DecodedMap(Object[] entries, int size) {
    this.entries = entries;
    this.size = size;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  private int indexOf(Object key) {
    for (int i = 0; i < 2 * size; i += 2) {
      if (entries[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Object get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : entries[i + 1];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  /** The key of entry {@code index} (wire order), for iterating without entry objects. */
  String keyAt(int index) {
    return (String) entries[2 * index];
  }

  /** The value of entry {@code index} (wire order). */
  Object valueAt(int index) {
    return entries[2 * index + 1];
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Map.Entry<String, Object> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int i = 2 * next++;
            return new AbstractMap.SimpleImmutableEntry<>((String) entries[i], entries[i + 1]);
          }
        };
      }
    };
  }
}

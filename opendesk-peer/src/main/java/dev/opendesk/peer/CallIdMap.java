package dev.opendesk.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Calls in flight by their {@code long} id: an open-addressing table with linear probing, so a call
 * costs no boxed key and no entry object (a {@code ConcurrentHashMap<Long, V>} spent about 130
 * bytes per call on them, docs/profiles/allocation-per-call.md). It grows with the calls in flight
 * and shrinks again when they finish.
 *
 * <p>Thread-safe: every operation holds this map's monitor, for a few dozen nanoseconds.
 */
final class CallIdMap<V> {

  private static final int MIN_CAPACITY = 16;

  // Inbound ids are the remote's choice: a secret offset keeps it from picking ids that collide.
  private final long seed = ThreadLocalRandom.current().nextLong();

  // values[i] == null marks a free slot, so every id (0 and negative ones included) is a valid key.
  private long[] keys = new long[MIN_CAPACITY];
  private Object[] values = new Object[MIN_CAPACITY];
  private int size;

  /** The value under {@code id}, or {@code null}. */
  synchronized V get(long id) {
    int i = find(id);
    return i >= 0 ? value(i) : null;
  }

  /**
   * Puts {@code value} under {@code id} unless the id is taken; returns the value already there.
   */
  synchronized V putIfAbsent(long id, V value) {
    int i = find(id);
    if (i >= 0) {
      return value(i);
    }
    keys[~i] = id;
    values[~i] = value;
    if (++size * 2 > keys.length) {
      resize(keys.length * 2);
    }
    return null;
  }

  /** Removes {@code id} if {@code value} is what it maps to; returns whether it did. */
  synchronized boolean remove(long id, V value) {
    int i = find(id);
    if (i < 0 || values[i] != value) {
      return false;
    }
    deleteAt(i, keys.length - 1);
    size--;
    if (keys.length > MIN_CAPACITY && size * 8 < keys.length) {
      resize(keys.length / 2);
    }
    return true;
  }

  /** The slot holding {@code id}, or {@code ~slot} of the free slot where it would go. */
  private int find(long id) {
    int mask = keys.length - 1;
    int i = slot(id, mask);
    for (; values[i] != null; i = (i + 1) & mask) {
      if (keys[i] == id) {
        return i;
      }
    }
    return ~i;
  }

  /** A snapshot of the values. */
  synchronized List<V> values() {
    List<V> all = new ArrayList<>(size);
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        all.add(value(i));
      }
    }
    return all;
  }

  synchronized int size() {
    return size;
  }

  /**
   * Frees slot {@code i}, moving later entries of its probe run back so lookups still find them.
   */
  private void deleteAt(int i, int mask) {
    int free = i;
    for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
      int home = slot(keys[j], mask);
      // Move j into the free slot unless its home lies cyclically in (free, j].
      boolean homeBetween = free <= j ? free < home && home <= j : free < home || home <= j;
      if (!homeBetween) {
        keys[free] = keys[j];
        values[free] = values[j];
        free = j;
      }
    }
    values[free] = null;
  }

  private void resize(int capacity) {
    long[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new long[capacity];
    values = new Object[capacity];
    int mask = capacity - 1;
    for (int j = 0; j < oldValues.length; j++) {
      if (oldValues[j] != null) {
        int i = slot(oldKeys[j], mask);
        while (values[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        values[i] = oldValues[j];
      }
    }
  }

  /** Ids of one session are mostly consecutive: the multiply spreads them over the table. */
  private int slot(long id, int mask) {
    long h = (id + seed) * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  @SuppressWarnings("unchecked")
  private V value(int i) {
    return (V) values[i];
  }
}

package dev.opendesk.auth;

import java.io.IOException;
import java.util.List;

/**
 * Where a {@link TrustedPeers} keeps its entries: a file ({@link TrustStoreFile}) or memory ({@link
 * TrustStoreMemory}). Implementations are thread-safe.
 */
interface TrustStorage {

  /** A change to the entries, applied under the storage's write lock. */
  @FunctionalInterface
  interface Change {
    /** Modifies the list in place; returns whether anything changed (and must be written). */
    boolean apply(List<TrustedPeer> peers);
  }

  /** The current entries, in order (an immutable list). */
  List<TrustedPeer> read() throws IOException;

  /**
   * Applies {@code change} to the current entries and stores the result if it reports a change,
   * atomically with respect to every other writer.
   *
   * @return what {@code change} returned
   */
  boolean modify(Change change) throws IOException;

  /** Releases what the storage holds between operations (caches, entries in memory). */
  void close();
}

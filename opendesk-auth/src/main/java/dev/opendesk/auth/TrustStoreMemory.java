package dev.opendesk.auth;

import java.util.ArrayList;
import java.util.List;

/** Entries held in memory only: no file, no lock file. Thread-safe. */
final class TrustStoreMemory implements TrustStorage {

  private List<TrustedPeer> peers = List.of(); // guarded by this

  @Override
  public synchronized List<TrustedPeer> read() {
    return peers;
  }

  @Override
  public synchronized boolean modify(Change change) {
    List<TrustedPeer> copy = new ArrayList<>(peers);
    boolean changed = change.apply(copy);
    if (changed) {
      peers = List.copyOf(copy);
    }
    return changed;
  }

  @Override
  public synchronized void close() {
    peers = List.of();
  }

  @Override
  public String toString() {
    return "in memory";
  }
}

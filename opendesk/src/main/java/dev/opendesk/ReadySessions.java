package dev.opendesk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link OpendeskServer}'s ready sessions, oldest first, found by their peer's public key or by
 * their {@link SessionInfo} without a scan: a push to one peer or one session costs the same with
 * ten sessions as with ten thousand. Each session must have its {@link ServerSession#info()} when
 * added. Not thread-safe: the server's lock guards it.
 */
final class ReadySessions {

  private final Set<ServerSession> all = new LinkedHashSet<>();
  // By the info object itself: two sessions of one peer from one address, opened in the same
  // instant, have equal infos.
  private final Map<SessionInfo, ServerSession> byInfo = new IdentityHashMap<>();
  private final Map<ByteBuffer, List<ServerSession>> byKey = new HashMap<>();

  void add(ServerSession session) {
    SessionInfo info = session.info();
    if (info == null) {
      throw new IllegalStateException("a session is added once ready, with its info");
    }
    all.add(session);
    byInfo.put(info, session);
    byKey.computeIfAbsent(keyOf(session), k -> new ArrayList<>(1)).add(session);
  }

  /** Removes {@code session}; returns whether it was here. */
  boolean remove(ServerSession session) {
    if (!all.remove(session)) {
      return false;
    }
    byInfo.remove(session.info());
    ByteBuffer key = keyOf(session);
    List<ServerSession> ofPeer = byKey.get(key);
    ofPeer.remove(session);
    if (ofPeer.isEmpty()) {
      byKey.remove(key);
    }
    return true;
  }

  boolean isEmpty() {
    return all.isEmpty();
  }

  int size() {
    return all.size();
  }

  /** Every session, oldest first (live: copy it before the lock is released). */
  Collection<ServerSession> all() {
    return all;
  }

  /** The sessions of the peer with {@code publicKey}, oldest first (live, as above). */
  List<ServerSession> ofPeer(byte[] publicKey) {
    return byKey.getOrDefault(ByteBuffer.wrap(publicKey), List.of());
  }

  /** The session {@code info} describes, or {@code null}. */
  ServerSession find(SessionInfo info) {
    return byInfo.get(info);
  }

  private static ByteBuffer keyOf(ServerSession session) {
    // A copy of the key: a wrapped array compares and hashes by its contents.
    return ByteBuffer.wrap(session.session.remotePublicKey());
  }
}

package dev.opendesk.peer;

import dev.opendesk.protocol.ConnectionClosedException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A session's outbound calls in flight, unary and stream, by call id; and the ids themselves, which
 * start at 1 and grow by one per call or stream.
 *
 * <p>Thread-safe.
 */
final class OutboundCallTable {

  private final AtomicLong nextId = new AtomicLong(1);
  private final CallIdMap<OutboundCall> calls = new CallIdMap<>();

  /** The id of the next call. */
  long nextId() {
    return nextId.getAndIncrement();
  }

  void put(OutboundCall call) {
    calls.putIfAbsent(call.id(), call);
  }

  /** The call awaiting RESes with {@code id}, or {@code null}. */
  OutboundCall get(long id) {
    return calls.get(id);
  }

  /** Removes {@code call} if it is still the one registered under its id (idempotent). */
  void remove(OutboundCall call) {
    calls.remove(call.id(), call);
  }

  /** Fails every call in flight: the session closed. */
  void closeAll(ConnectionClosedException cause) {
    for (OutboundCall call : calls.values()) {
      call.onClose(cause);
    }
  }
}

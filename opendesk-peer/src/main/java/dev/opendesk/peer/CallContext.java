package dev.opendesk.peer;

import dev.opendesk.protocol.Hello;
import java.util.Optional;

/**
 * What a handler knows about the inbound call it serves, and how it learns that the call was
 * cancelled (by the caller's CANCEL, or because the peer closed).
 *
 * <p>A cancelled call's result is discarded: the caller has already been answered with {@code
 * cancelled}. Long-running handlers should poll {@link #isCancelled()} or register {@link
 * #onCancel(Runnable)}; when the peer closes, its handlers running on the default shared pool are
 * also interrupted.
 *
 * <p>Thread-safe: may be used from any thread, also after the handler returned.
 */
public interface CallContext {

  /** The method called. */
  String method();

  /** The caller's id of this call (ids are per direction: the caller's id space, not ours). */
  long callId();

  /** Whether the caller made this a stream call. */
  boolean isStream();

  /**
   * The remote peer's static public key (32 bytes, a copy) when the connection is authenticated, or
   * {@code null} (e.g. over a plain {@link dev.opendesk.protocol.LoopbackConnection}).
   */
  byte[] remotePublicKey();

  /** The remote peer's HELLO; empty if the session was started without a HELLO exchange. */
  Optional<Hello> remoteHello();

  /** The peer serving this call, e.g. to push events to the caller. */
  Peer peer();

  /** Whether the call was cancelled. */
  boolean isCancelled();

  /**
   * Runs {@code callback} once when the call is cancelled, at once (on this thread) if it already
   * is. Callbacks run on the peer's handler executor; they must not block for long. A call that
   * finished normally is never cancelled.
   */
  void onCancel(Runnable callback);
}

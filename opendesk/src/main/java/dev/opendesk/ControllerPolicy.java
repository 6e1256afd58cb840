package dev.opendesk;

/**
 * How many peers an {@link OpendeskServer} serves at once. A remote-desktop host wants one
 * controller at a time; a service wants many.
 */
public enum ControllerPolicy {
  /** Any number of sessions at once (the default). */
  MANY,
  /**
   * One session at a time: a second peer's HELLO is answered with a rejection of code {@code busy},
   * and its connection closes; the first session is undisturbed.
   */
  REFUSE_SECOND,
  /**
   * One session at a time: a new peer replaces the current one, which is evicted ({@code
   * session.evicted}, reason {@code "replaced by another controller"}) and closed.
   */
  REPLACE_FIRST
}

package dev.opendesk.protocol;

import java.util.Map;
import java.util.Objects;

/**
 * PUSH: an event not tied to a call. Receivers ignore topics they do not know.
 *
 * @param topic the topic, e.g. {@code session.evicted}
 * @param payload the event data, {@code {}} by default
 */
public record Push(String topic, Map<String, Object> payload) implements Frame {

  /** The topic by which a server tells a client it has been evicted; payload {@code {reason}}. */
  public static final String SESSION_EVICTED = "session.evicted";

  /** Validates and normalises: {@code null} payload becomes {@code {}}. */
  public Push {
    Objects.requireNonNull(topic, "topic");
    payload = Values.readOnly(payload);
  }

  @Override
  public String type() {
    return "push";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Push other
        && topic.equals(other.topic)
        && Values.deepEquals(payload, other.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, Values.deepHashCode(payload));
  }

  @Override
  public String toString() {
    return "Push[topic=" + topic + ", payload=" + Values.toString(payload) + "]";
  }
}

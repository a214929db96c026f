package dev.kiln.outbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * An event to publish: its topic, its record key (events of one key keep their order) and its JSON
 * body, which carries at least {@code event_id} (a UUID) and {@code event_type}.
 *
 * @param topic the Kafka topic
 * @param key the record key
 * @param body the payload, serialised as JSON; start it with {@link #envelope(String)}
 */
public record OutboxEvent(String topic, String key, Map<String, Object> body) {

  /** Checks that the event names its topic, key, id and type. */
  public OutboxEvent {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(body, "body");
    if (!(body.get("event_id") instanceof String id)) {
      throw new IllegalArgumentException("an event body needs a string event_id");
    }
    UUID.fromString(id);
    if (!(body.get("event_type") instanceof String type) || type.isEmpty()) {
      throw new IllegalArgumentException("an event body needs an event_type");
    }
  }

  /** The event's id, on which consumers deduplicate. */
  public String eventId() {
    return (String) body.get("event_id");
  }

  /** The event's type, {@code <domain>.<event>.v1}. */
  public String eventType() {
    return (String) body.get("event_type");
  }

  /**
   * The fields every Kiln event starts with: a fresh {@code event_id}, the {@code event_type} and
   * {@code occurred_at} (now). Callers add their own fields to the (ordered, mutable) map.
   */
  public static Map<String, Object> envelope(String eventType) {
    return envelope(eventType, Instant.now());
  }

  /** {@link #envelope(String)} for an event that occurred at {@code occurredAt}. */
  public static Map<String, Object> envelope(String eventType, Instant occurredAt) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event_id", UUID.randomUUID().toString());
    body.put("event_type", eventType);
    body.put("occurred_at", occurredAt.toString());
    return body;
  }
}

package dev.kiln.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OutboxEventTest {

  @Test
  void anEnvelopeStartsWithIdTypeAndTime() {
    Instant at = Instant.parse("2026-12-01T10:15:30.123Z");
    Map<String, Object> body = OutboxEvent.envelope("artifact.created.v1", at);
    assertEquals(List.of("event_id", "event_type", "occurred_at"), List.copyOf(body.keySet()));
    UUID.fromString((String) body.get("event_id"));
    assertEquals("2026-12-01T10:15:30.123Z", body.get("occurred_at"));
    body.put("artifact_id", 7L); // callers add their own fields

    OutboxEvent event = new OutboxEvent("kiln.artifacts", "7", body);
    assertEquals(body.get("event_id"), event.eventId());
    assertEquals("artifact.created.v1", event.eventType());
    assertNotEquals(
        OutboxEvent.envelope("x.y.v1").get("event_id"),
        OutboxEvent.envelope("x.y.v1").get("event_id"));
  }

  @Test
  void anEventWithoutIdOrTypeIsRefused() {
    Map<String, Object> noId = new HashMap<>(Map.of("event_type", "x.y.v1"));
    assertThrows(IllegalArgumentException.class, () -> new OutboxEvent("t", "k", noId));
    Map<String, Object> badId = new HashMap<>(Map.of("event_id", "42", "event_type", "x.y.v1"));
    assertThrows(IllegalArgumentException.class, () -> new OutboxEvent("t", "k", badId));
    Map<String, Object> noType = new HashMap<>(Map.of("event_id", UUID.randomUUID().toString()));
    assertThrows(IllegalArgumentException.class, () -> new OutboxEvent("t", "k", noType));
    Map<String, Object> ok = OutboxEvent.envelope("x.y.v1");
    assertThrows(NullPointerException.class, () -> new OutboxEvent("t", null, ok));
  }

  @Test
  void eachOutboxTableHasItsOwnLockKey() {
    assertEquals(0x6b696c6e_00004000L, OutboxRepository.lockKey(0x4000));
    assertEquals(0x6b696c6e_ffffffffL, OutboxRepository.lockKey(0xffffffffL));
    assertNotEquals(OutboxRepository.lockKey(16_385), OutboxRepository.lockKey(16_386));
    assertThrows(IllegalArgumentException.class, () -> OutboxRepository.lockKey(-1));
    assertThrows(IllegalArgumentException.class, () -> OutboxRepository.lockKey(1L << 32));
  }
}

package dev.kiln.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * Writes events into the outbox inside the caller's transaction, so they commit (or roll back) with
 * the change they announce. The relay publishes them after the commit.
 */
@ApplicationScoped
public class OutboxWriter {

  @Inject OutboxRepository outbox;
  @Inject ObjectMapper mapper;
  @Inject Event<OutboxWritten> written;

  /** Writes one event. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void write(OutboxEvent event) {
    writeAll(List.of(event));
  }

  /** Writes events in one statement, whatever their number; they are published in this order. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void writeAll(List<OutboxEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    int n = events.size();
    String[] ids = new String[n];
    String[] types = new String[n];
    String[] topics = new String[n];
    String[] keys = new String[n];
    String[] payloads = new String[n];
    for (int i = 0; i < n; i++) {
      OutboxEvent e = events.get(i);
      ids[i] = e.eventId();
      types[i] = e.eventType();
      topics[i] = e.topic();
      keys[i] = e.key();
      try {
        payloads[i] = mapper.writeValueAsString(e.body());
      } catch (JsonProcessingException ex) {
        throw new IllegalStateException("event " + e.eventType() + " cannot be serialised", ex);
      }
    }
    outbox.insert(ids, types, topics, keys, payloads);
    written.fire(new OutboxWritten());
  }
}

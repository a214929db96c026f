package dev.kiln.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.UUID;

/**
 * The consuming side of the outbox: the ids of the events this service has applied, in the {@code
 * processed_event} table of its own schema ({@code event_id uuid PRIMARY KEY, event_type text NOT
 * NULL, processed_at timestamptz NOT NULL DEFAULT now()}). Claim an event in the transaction of its
 * effect and commit the Kafka offset after it: a redelivery then changes nothing.
 */
@ApplicationScoped
public class ProcessedEvents {

  @Inject EntityManager em;

  /** Claims an event id; false when it was applied before (a redelivery). */
  @Transactional(Transactional.TxType.MANDATORY)
  public boolean claim(UUID eventId, String eventType) {
    return em.createNativeQuery(
                "INSERT INTO processed_event (event_id, event_type) VALUES (?1, ?2)"
                    + " ON CONFLICT (event_id) DO NOTHING")
            .setParameter(1, eventId)
            .setParameter(2, eventType)
            .executeUpdate()
        == 1;
  }
}

package dev.kiln.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;

/**
 * The {@code outbox_event} table of the service's own schema (found through the connection's search
 * path, like every other table of the service). Its shape, created by each service's Flyway
 * migration:
 *
 * <pre>
 * id bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, event_type text NOT NULL,
 * topic text NOT NULL, event_key text NOT NULL, payload jsonb NOT NULL,
 * created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz
 * + a partial index on (id) WHERE published_at IS NULL
 * </pre>
 */
@ApplicationScoped
public class OutboxRepository {

  /** High half of every relay lock key: "kiln". The low half is the outbox table's OID. */
  static final long LOCK_PREFIX = 0x6b696c6eL << 32;

  /** A row waiting to be published. */
  public record Pending(
      long id, String eventId, String eventType, String topic, String key, String payload) {}

  @Inject EntityManager em;

  private volatile Long lockKey;

  /**
   * Inserts events in one statement, in the order given; the arrays are parallel (one entry per
   * event, payloads as JSON text).
   */
  public void insert(
      String[] eventIds, String[] eventTypes, String[] topics, String[] keys, String[] payloads) {
    em.createNativeQuery(
            "INSERT INTO outbox_event (event_id, event_type, topic, event_key, payload)"
                + " SELECT CAST(u.event_id AS uuid), u.event_type, u.topic, u.event_key,"
                + " CAST(u.payload AS jsonb)"
                + " FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]), CAST(?3 AS text[]),"
                + " CAST(?4 AS text[]), CAST(?5 AS text[])) WITH ORDINALITY"
                + " AS u(event_id, event_type, topic, event_key, payload, n)"
                + " ORDER BY u.n")
        .setParameter(1, eventIds)
        .setParameter(2, eventTypes)
        .setParameter(3, topics)
        .setParameter(4, keys)
        .setParameter(5, payloads)
        .executeUpdate();
  }

  /**
   * The key of the relay's advisory lock: derived from the outbox table's OID, so each schema's
   * outbox has its own lock and the relays of different services never block each other, while the
   * replicas of one service share it.
   */
  public long relayLockKey() {
    Long key = lockKey;
    if (key == null) {
      key = lockKeyOf("outbox_event");
      lockKey = key;
    }
    return key;
  }

  /** The relay lock key of an outbox table, named as PostgreSQL resolves it (schema optional). */
  public long lockKeyOf(String table) {
    Number oid =
        (Number)
            em.createNativeQuery("SELECT CAST(CAST(CAST(?1 AS regclass) AS oid) AS bigint)")
                .setParameter(1, table)
                .getSingleResult();
    return lockKey(oid.longValue());
  }

  static long lockKey(long tableOid) {
    if (tableOid < 0 || tableOid > 0xffffffffL) {
      throw new IllegalArgumentException("not an OID: " + tableOid);
    }
    return LOCK_PREFIX | tableOid;
  }

  /** Whether this service has an outbox table (a service that only consumes events has none). */
  public boolean tableExists() {
    return Boolean.TRUE.equals(
        em.createNativeQuery("SELECT to_regclass('outbox_event') IS NOT NULL").getSingleResult());
  }

  /** Takes the relay lock for the current transaction; false if another replica holds it. */
  public boolean tryRelayLock() {
    Object locked =
        em.createNativeQuery("SELECT pg_try_advisory_xact_lock(?1)")
            .setParameter(1, relayLockKey())
            .getSingleResult();
    return Boolean.TRUE.equals(locked);
  }

  /** The oldest unpublished rows, in id (= commit-compatible write) order. */
  @SuppressWarnings("unchecked")
  public List<Pending> nextUnpublished(int limit) {
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT id, CAST(event_id AS text), event_type, topic, event_key,"
                    + " CAST(payload AS text) FROM outbox_event"
                    + " WHERE published_at IS NULL ORDER BY id LIMIT ?1")
            .setParameter(1, limit)
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new Pending(
                    ((Number) r[0]).longValue(),
                    (String) r[1],
                    (String) r[2],
                    (String) r[3],
                    (String) r[4],
                    (String) r[5]))
        .toList();
  }

  public void markPublished(List<Long> ids) {
    em.createNativeQuery("UPDATE outbox_event SET published_at = now() WHERE id = ANY(?1)")
        .setParameter(1, ids.toArray(new Long[0]))
        .executeUpdate();
  }

  public long countUnpublished() {
    return ((Number)
            em.createNativeQuery("SELECT count(*) FROM outbox_event WHERE published_at IS NULL")
                .getSingleResult())
        .longValue();
  }

  /** Deletes up to {@code limit} rows published before {@code cutoff}; returns how many. */
  public int purgePublished(Instant cutoff, int limit) {
    return em.createNativeQuery(
            "DELETE FROM outbox_event WHERE id IN (SELECT id FROM outbox_event"
                + " WHERE published_at < ?1 ORDER BY id LIMIT ?2)")
        .setParameter(1, cutoff)
        .setParameter(2, limit)
        .executeUpdate();
  }
}

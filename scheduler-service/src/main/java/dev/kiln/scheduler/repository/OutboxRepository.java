package dev.kiln.scheduler.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The transactional outbox. */
@ApplicationScoped
public class OutboxRepository implements PanacheRepository<OutboxEventEntity> {

  /** Advisory lock key: one relay at a time across replicas keeps per-key order. */
  private static final long RELAY_LOCK = 0x6b696c6e_6f757462L;

  /** Takes the relay lock for the current transaction; false if another replica holds it. */
  public boolean tryRelayLock() {
    Object locked =
        getEntityManager()
            .createNativeQuery("SELECT pg_try_advisory_xact_lock(?1)")
            .setParameter(1, RELAY_LOCK)
            .getSingleResult();
    return Boolean.TRUE.equals(locked);
  }

  public List<OutboxEventEntity> nextUnpublished(int limit) {
    return find("publishedAt is null order by id").page(0, limit).list();
  }

  public void markPublished(List<Long> ids) {
    update("publishedAt = current_timestamp() where id in ?1", ids);
  }

  public long countUnpublished() {
    return count("publishedAt is null");
  }
}

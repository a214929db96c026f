package dev.kiln.scheduler.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Work requests, including the set-based dispatch and lease queries. */
@ApplicationScoped
public class WorkRequestRepository implements PanacheRepository<WorkRequestEntity> {

  /**
   * One page of work requests, newest first, after the keyset cursor {@code beforeId}; every filter
   * is optional.
   */
  public List<WorkRequestEntity> page(
      String status,
      String taskType,
      String taskName,
      String workspace,
      Long parentId,
      Long beforeId,
      int limit) {
    StringBuilder q = new StringBuilder("1 = 1");
    io.quarkus.panache.common.Parameters p = new io.quarkus.panache.common.Parameters();
    if (status != null) {
      q.append(" and status = :status");
      p.and("status", status);
    }
    if (taskType != null) {
      q.append(" and taskType = :taskType");
      p.and("taskType", taskType);
    }
    if (taskName != null) {
      q.append(" and taskName = :taskName");
      p.and("taskName", taskName);
    }
    if (workspace != null) {
      q.append(" and workspace = :workspace");
      p.and("workspace", workspace);
    }
    if (parentId != null) {
      q.append(" and parentId = :parentId");
      p.and("parentId", parentId);
    }
    if (beforeId != null) {
      q.append(" and id < :beforeId");
      p.and("beforeId", beforeId);
    }
    q.append(" order by id desc");
    return find(q.toString(), p).page(0, limit).list();
  }

  public Optional<WorkRequestEntity> findForUpdate(long id) {
    return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
  }

  /**
   * Claims the next pending worker task for a worker that has free capacity and marks it running
   * with a new attempt, in one statement. {@code SKIP LOCKED} lets several scheduler replicas claim
   * at once without ever handing the same request out twice.
   *
   * @return the id of the claimed work request, if any was pending
   */
  public Optional<Long> claimNextFor(long workerId, String taskType, Instant leaseExpiresAt) {
    @SuppressWarnings("unchecked")
    List<Number> ids =
        getEntityManager()
            .createNativeQuery(
                "UPDATE work_request SET status = 'running', worker_id = ?1,"
                    + " attempt = attempt + 1, started_at = now(), lease_expires_at = ?2"
                    + " WHERE id = (SELECT id FROM work_request"
                    + "   WHERE status = 'pending' AND task_type = ?3"
                    + "   AND (SELECT count(*) FROM work_request r"
                    + "        WHERE r.worker_id = ?1 AND r.status = 'running')"
                    + "     < (SELECT w.concurrency FROM worker w WHERE w.id = ?1 AND w.enabled)"
                    + "   ORDER BY (priority_base + priority_adjustment) DESC, created_at, id"
                    + "   LIMIT 1 FOR UPDATE SKIP LOCKED)"
                    + " RETURNING id")
            .setParameter(1, workerId)
            .setParameter(2, leaseExpiresAt)
            .setParameter(3, taskType)
            .getResultList();
    return ids.stream().findFirst().map(Number::longValue);
  }

  /** Extends the leases a worker still holds; returns how many it still holds. */
  public int extendLeases(long workerId, List<Long> ids, List<Integer> attempts, Instant until) {
    if (ids.isEmpty()) {
      return 0;
    }
    return getEntityManager()
        .createNativeQuery(
            "UPDATE work_request w SET lease_expires_at = ?1"
                + " FROM unnest(?2, ?3) AS l(id, attempt)"
                + " WHERE w.id = l.id AND w.attempt = l.attempt AND w.worker_id = ?4"
                + " AND w.status = 'running'")
        .setParameter(1, until)
        .setParameter(2, ids.toArray(new Long[0]))
        .setParameter(3, attempts.toArray(new Integer[0]))
        .setParameter(4, workerId)
        .executeUpdate();
  }

  /**
   * Returns to pending every running request whose lease has expired and that may still be retried
   * automatically; the fencing attempt number makes a late report from the old holder fail.
   */
  @SuppressWarnings("unchecked")
  public List<Long> requeueExpiredLeases(Instant now, int maxAutomaticRetries) {
    List<Number> ids =
        getEntityManager()
            .createNativeQuery(
                "UPDATE work_request SET status = 'pending', worker_id = NULL, started_at = NULL,"
                    + " lease_expires_at = NULL, retry_count = retry_count + 1"
                    + " WHERE id IN (SELECT id FROM work_request WHERE status = 'running'"
                    + "   AND lease_expires_at < ?1 AND retry_count < ?2 FOR UPDATE SKIP LOCKED)"
                    + " RETURNING id")
            .setParameter(1, now)
            .setParameter(2, maxAutomaticRetries)
            .getResultList();
    return ids.stream().map(Number::longValue).toList();
  }

  /** Running requests whose lease expired and that have no automatic retry left. */
  public List<WorkRequestEntity> expiredWithoutRetriesLeft(Instant now, int maxAutomaticRetries) {
    return find(
            "status = 'running' and leaseExpiresAt < ?1 and retryCount >= ?2",
            now,
            maxAutomaticRetries)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .list();
  }
}

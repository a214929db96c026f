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
   * is optional ({@code visibleWorkspaces} null: every workspace).
   */
  public List<WorkRequestEntity> page(
      String status,
      String taskType,
      String taskName,
      String workspace,
      Long parentId,
      Long beforeId,
      int limit,
      java.util.Collection<String> visibleWorkspaces) {
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
    if (visibleWorkspaces != null) {
      q.append(" and workspace in :visible");
      p.and("visible", visibleWorkspaces.isEmpty() ? List.of("") : visibleWorkspaces);
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
                    + "   WHERE status = 'pending' AND prepared_at IS NOT NULL AND task_type = ?3"
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

  /** Task types the scheduler prepares (those run by a worker process). */
  public static final List<String> PREPARED_TYPES = List.of("worker", "signing", "server");

  /**
   * Pending work requests that still need preparation and are not postponed after a failed lookup
   * call, oldest first.
   */
  public List<WorkRequestEntity> unprepared(Instant now, int limit) {
    return find(
            "status = 'pending' and preparedAt is null and taskType in ?1"
                + " and (prepareAfter is null or prepareAfter <= ?2) order by id",
            PREPARED_TYPES,
            now)
        .page(0, limit)
        .list();
  }

  /**
   * The ids of these tag classes (given as JSON rows {@code fingerprint, required_tags,
   * provided_tags, required, provided}), inserting those not stored yet: two statements whatever
   * the number of classes.
   */
  @SuppressWarnings("unchecked")
  public java.util.Map<String, Long> tagClassIds(String rowsJson, String[] fingerprints) {
    getEntityManager()
        .createNativeQuery(
            "INSERT INTO work_request_tag_class"
                + " (fingerprint, required_tags, provided_tags, required, provided)"
                + " SELECT u.fingerprint,"
                + "   ARRAY(SELECT jsonb_array_elements_text(u.required_tags)),"
                + "   ARRAY(SELECT jsonb_array_elements_text(u.provided_tags)),"
                + "   u.required, u.provided"
                + " FROM jsonb_to_recordset(CAST(?1 AS jsonb)) AS u(fingerprint text,"
                + "   required_tags jsonb, provided_tags jsonb, required jsonb, provided jsonb)"
                + " ORDER BY u.fingerprint"
                + " ON CONFLICT (fingerprint) DO NOTHING")
        .setParameter(1, rowsJson)
        .executeUpdate();
    List<Object[]> rows =
        getEntityManager()
            .createNativeQuery(
                "SELECT fingerprint, id FROM work_request_tag_class WHERE fingerprint = ANY(?1)")
            .setParameter(1, fingerprints)
            .getResultList();
    java.util.Map<String, Long> ids = new java.util.HashMap<>();
    for (Object[] r : rows) {
      ids.put((String) r[0], ((Number) r[1]).longValue());
    }
    return ids;
  }

  /**
   * Stores the preparation of many work requests in one statement (JSON rows {@code id, configured,
   * dynamic, tag_class_id}); a request that stopped being pending meanwhile (aborted) is left
   * alone.
   *
   * @return how many were stored
   */
  public int markPrepared(String rowsJson) {
    return getEntityManager()
        .createNativeQuery(
            "UPDATE work_request w SET configured_task_data = u.configured,"
                + " dynamic_task_data = u.dynamic, tag_class_id = u.tag_class_id,"
                + " prepared_at = now(), prepare_after = NULL"
                + " FROM jsonb_to_recordset(CAST(?1 AS jsonb))"
                + "   AS u(id bigint, configured jsonb, dynamic jsonb, tag_class_id bigint)"
                + " WHERE w.id = u.id AND w.status = 'pending' AND w.prepared_at IS NULL")
        .setParameter(1, rowsJson)
        .executeUpdate();
  }

  /** Postpones the preparation of these work requests (the lookup service was unreachable). */
  public int postponePreparation(List<Long> ids, Instant until) {
    if (ids.isEmpty()) {
      return 0;
    }
    return getEntityManager()
        .createNativeQuery(
            "UPDATE work_request SET prepare_after = ?1"
                + " WHERE id = ANY(?2) AND status = 'pending' AND prepared_at IS NULL")
        .setParameter(1, until)
        .setParameter(2, ids.toArray(new Long[0]))
        .executeUpdate();
  }

  /** These work requests, if still pending and unprepared, locked for an update. */
  public List<WorkRequestEntity> unpreparedForUpdate(List<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return find("id in ?1 and status = 'pending' and preparedAt is null", ids)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .list();
  }
}

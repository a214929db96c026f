package dev.kiln.scheduler.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
   * A work request claimed for a worker, with what its assignment carries (read by the claim
   * statement itself: no second query, no entity).
   *
   * @param taskDataJson the configured task data (the task data when there is none), as JSON
   * @param dynamicTaskDataJson the dynamic task data as JSON, null when there is none
   */
  public record Claim(
      long workRequestId,
      long workerId,
      int attempt,
      String taskType,
      String taskName,
      String workspace,
      Instant createdAt,
      String taskDataJson,
      String dynamicTaskDataJson) {}

  /**
   * Claims pending work for many worker slots of one worker class in one statement: the first
   * {@code slots.length} prepared requests of this task type whose tag class is among {@code
   * compatible}, in dispatch order (effective priority, then age, then id), go to the slots in
   * order; each is marked running with a new attempt. Each compatible class is read from the head
   * of its own index range ({@code work_request_dispatch_by_class}), so the cost does not grow with
   * the number pending. {@code SKIP LOCKED} lets several replicas claim at once without handing the
   * same request out twice. The statement returns what the assignments carry.
   *
   * @param slots one worker id per free slot, in the order the slots are served
   */
  @SuppressWarnings("unchecked")
  public List<Claim> claimBatch(
      String taskType, long[] compatible, Long[] slots, Instant leaseExpiresAt) {
    if (compatible.length == 0 || slots.length == 0) {
      return List.of();
    }
    Long[] classes = new Long[compatible.length];
    for (int i = 0; i < compatible.length; i++) {
      classes[i] = compatible[i];
    }
    String head =
        " head AS (SELECT x.* FROM unnest(?2) AS c(tag_class_id)"
            + "   CROSS JOIN LATERAL (SELECT w.id, w.priority_base + w.priority_adjustment"
            + "     AS prio, w.created_at FROM work_request w"
            + "     WHERE w.status = 'pending' AND w.prepared_at IS NOT NULL"
            + "     AND w.tag_class_id = c.tag_class_id AND w.task_type = ?3"
            + "     ORDER BY w.priority_base + w.priority_adjustment DESC, w.created_at, w.id"
            + "     LIMIT ?4 FOR UPDATE SKIP LOCKED) x),"
            + " picked AS (SELECT id, row_number() OVER (ORDER BY prio DESC, created_at, id)"
            + "   AS n FROM head ORDER BY prio DESC, created_at, id LIMIT ?4)";
    List<Object[]> rows =
        getEntityManager()
            .createNativeQuery(
                "WITH slot AS (SELECT s.worker_id, s.n FROM unnest(?1) WITH ORDINALITY"
                    + "   AS s(worker_id, n)),"
                    + head
                    + " UPDATE work_request w SET status = 'running', worker_id = slot.worker_id,"
                    + "   attempt = w.attempt + 1, started_at = now(), lease_expires_at = ?5"
                    + " FROM picked JOIN slot ON slot.n = picked.n"
                    + " WHERE w.id = picked.id AND w.status = 'pending'"
                    + " RETURNING w.id, w.worker_id, w.attempt, w.task_type, w.task_name,"
                    + "   w.workspace, w.created_at,"
                    + "   CAST(coalesce(w.configured_task_data, w.task_data) AS text),"
                    + "   CAST(w.dynamic_task_data AS text)")
            .setParameter(1, slots)
            .setParameter(2, classes)
            .setParameter(3, taskType)
            .setParameter(4, slots.length)
            .setParameter(5, leaseExpiresAt)
            .getResultList();
    List<Claim> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      out.add(
          new Claim(
              ((Number) r[0]).longValue(),
              ((Number) r[1]).longValue(),
              ((Number) r[2]).intValue(),
              (String) r[3],
              (String) r[4],
              (String) r[5],
              toInstant(r[6]),
              (String) r[7],
              (String) r[8]));
    }
    return out;
  }

  /** What a report is checked against: a work request's status, result, worker and attempt. */
  public record Reported(
      long id, String status, String result, Long workerId, int attempt, String taskType) {}

  /**
   * These work requests' report state, their root workflows locked first ({@link
   * LifecycleRepository#lockRootsOf}, as every lifecycle change) and then their rows, in id order:
   * one statement, one round trip. The roots' locks are a one-time condition of the row scan, so
   * they are all held before the first row is locked.
   */
  @SuppressWarnings("unchecked")
  public java.util.Map<Long, Reported> lockForReports(Long[] ids) {
    List<Object[]> rows =
        getEntityManager()
            .createNativeQuery(
                "WITH roots AS MATERIALIZED (SELECT count(pg_advisory_xact_lock(?2,"
                    + "   (r % 2147483647)::int)) AS locked"
                    + "   FROM (SELECT DISTINCT coalesce(root_id, id) AS r FROM work_request"
                    + "     WHERE id = ANY(?1) ORDER BY r) AS x)"
                    + " SELECT id, status, result, worker_id, attempt, task_type FROM work_request"
                    + " WHERE id = ANY(?1) AND (SELECT locked FROM roots) >= 0"
                    + " ORDER BY id FOR UPDATE")
            .setParameter(1, ids)
            .setParameter(2, LifecycleRepository.ROOT_LOCK_CLASS)
            .getResultList();
    java.util.Map<Long, Reported> out = new java.util.HashMap<>();
    for (Object[] r : rows) {
      long id = ((Number) r[0]).longValue();
      out.put(
          id,
          new Reported(
              id,
              (String) r[1],
              (String) r[2],
              r[3] == null ? null : ((Number) r[3]).longValue(),
              ((Number) r[4]).intValue(),
              (String) r[5]));
    }
    return out;
  }

  /**
   * Extends the leases a worker still holds, in one statement.
   *
   * @return the work request ids whose lease was extended (the others are no longer this worker's)
   */
  @SuppressWarnings("unchecked")
  public Set<Long> extendLeases(
      long workerId, List<Long> ids, List<Integer> attempts, Instant until) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    List<Number> held =
        getEntityManager()
            .createNativeQuery(
                "UPDATE work_request w SET lease_expires_at = ?1"
                    + " FROM unnest(?2, ?3) AS l(id, attempt)"
                    + " WHERE w.id = l.id AND w.attempt = l.attempt AND w.worker_id = ?4"
                    + " AND w.status = 'running' RETURNING w.id")
            .setParameter(1, until)
            .setParameter(2, ids.toArray(new Long[0]))
            .setParameter(3, attempts.toArray(new Integer[0]))
            .setParameter(4, workerId)
            .getResultList();
    Set<Long> out = new HashSet<>();
    held.forEach(n -> out.add(n.longValue()));
    return out;
  }

  /**
   * A running work request the reaper looks at.
   *
   * @param timeLimit its time limit, null without one
   */
  public record Expired(
      long id, int retryCount, Instant startedAt, Duration timeLimit, Long workerId, int attempt) {}

  /** Up to {@code limit} running requests whose lease expired, locked (others skip them). */
  public List<Expired> lockExpiredLeases(Instant now, int limit) {
    return expired("lease_expires_at < ?1 ORDER BY lease_expires_at", now, limit);
  }

  /** Up to {@code limit} running requests past their time limit, locked. */
  public List<Expired> lockPastTimeLimit(Instant now, int limit) {
    return expired(
        "time_limit IS NOT NULL AND started_at + time_limit < ?1 ORDER BY started_at", now, limit);
  }

  @SuppressWarnings("unchecked")
  private List<Expired> expired(String condition, Instant now, int limit) {
    List<Object[]> rows =
        getEntityManager()
            .createNativeQuery(
                "SELECT id, retry_count, started_at,"
                    + " CAST(extract(epoch FROM time_limit) * 1000 AS bigint), worker_id, attempt"
                    + " FROM work_request WHERE status = 'running' AND "
                    + condition
                    + " LIMIT ?2 FOR UPDATE SKIP LOCKED")
            .setParameter(1, now)
            .setParameter(2, limit)
            .getResultList();
    List<Expired> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      out.add(
          new Expired(
              ((Number) r[0]).longValue(),
              ((Number) r[1]).intValue(),
              toInstant(r[2]),
              r[3] == null ? null : Duration.ofMillis(((Number) r[3]).longValue()),
              r[4] == null ? null : ((Number) r[4]).longValue(),
              ((Number) r[5]).intValue()));
    }
    return out;
  }

  private static Instant toInstant(Object o) {
    if (o == null) {
      return null;
    }
    if (o instanceof Instant i) {
      return i;
    }
    if (o instanceof java.time.OffsetDateTime t) {
      return t.toInstant();
    }
    if (o instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    throw new IllegalStateException("unexpected timestamp type " + o.getClass());
  }

  /** Puts these running requests back to pending with their new retry counts, in one statement. */
  public int requeue(Long[] ids, Integer[] retryCounts) {
    if (ids.length == 0) {
      return 0;
    }
    return getEntityManager()
        .createNativeQuery(
            "UPDATE work_request w SET status = 'pending', worker_id = NULL, started_at = NULL,"
                + " lease_expires_at = NULL, retry_count = u.retry_count"
                + " FROM unnest(?1, ?2) AS u(id, retry_count)"
                + " WHERE w.id = u.id AND w.status = 'running'")
        .setParameter(1, ids)
        .setParameter(2, retryCounts)
        .executeUpdate();
  }

  /**
   * Puts these running attempts back to pending without counting a retry (their assignment never
   * reached its agent), each only if it is still that worker's attempt: one statement.
   */
  public int releaseAll(Long[] ids, Integer[] attempts, Long[] workerIds) {
    return getEntityManager()
        .createNativeQuery(
            "UPDATE work_request w SET status = 'pending', worker_id = NULL, started_at = NULL,"
                + " lease_expires_at = NULL"
                + " FROM unnest(?1, ?2, ?3) AS l(id, attempt, worker_id)"
                + " WHERE w.id = l.id AND w.attempt = l.attempt AND w.worker_id = l.worker_id"
                + " AND w.status = 'running'")
        .setParameter(1, ids)
        .setParameter(2, attempts)
        .setParameter(3, workerIds)
        .executeUpdate();
  }

  /** Ends these running requests with {@code error} and this output, in one statement. */
  public int failRunning(Long[] ids, String outputDataJson) {
    if (ids.length == 0) {
      return 0;
    }
    return getEntityManager()
        .createNativeQuery(
            "UPDATE work_request SET status = 'completed', result = 'error', completed_at = now(),"
                + " lease_expires_at = NULL, output_data = CAST(?2 AS jsonb)"
                + " WHERE id = ANY(?1) AND status = 'running'")
        .setParameter(1, ids)
        .setParameter(2, outputDataJson)
        .executeUpdate();
  }

  /** Tag classes stored after this id (by any replica), oldest first. */
  public List<TagClassEntity> tagClassesAfter(long lastSeenId, int limit) {
    return getEntityManager()
        .createQuery("from TagClassEntity where id > :id order by id", TagClassEntity.class)
        .setParameter("id", lastSeenId)
        .setMaxResults(limit)
        .getResultList();
  }

  /** Pending work requests by task type and tag class (null: not prepared yet), one query. */
  @SuppressWarnings("unchecked")
  public List<Object[]> pendingByTypeAndClass() {
    return getEntityManager()
        .createNativeQuery(
            "SELECT task_type, tag_class_id, count(*) FROM work_request WHERE status = 'pending'"
                + " GROUP BY task_type, tag_class_id")
        .getResultList();
  }

  /** Task types the scheduler prepares (those run by a worker process). */
  public static final List<String> PREPARED_TYPES = List.of("worker", "signing", "server");

  /**
   * Pending work requests that still need preparation and are not postponed after a failed lookup
   * call, oldest first.
   */
  public List<Unprepared> unprepared(Instant now, int limit) {
    // Only the columns preparation reads, not managed entities: a pass of hundreds of requests
    // with large task data would otherwise pay for hydrating and dirty-checking every one.
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        getEntityManager()
            .createNativeQuery(
                "SELECT id, task_type, task_name, CAST(task_data AS text), workspace, root_id,"
                    + " created_at FROM work_request"
                    + " WHERE status = 'pending' AND prepared_at IS NULL AND task_type = ANY(?1)"
                    + " AND (prepare_after IS NULL OR prepare_after <= ?2) ORDER BY id LIMIT ?3")
            .setParameter(1, PREPARED_TYPES.toArray(new String[0]))
            .setParameter(2, java.sql.Timestamp.from(now))
            .setParameter(3, limit)
            .getResultList();
    List<Unprepared> out = new java.util.ArrayList<>(rows.size());
    for (Object[] r : rows) {
      out.add(
          new Unprepared(
              ((Number) r[0]).longValue(),
              (String) r[1],
              (String) r[2],
              (String) r[3],
              (String) r[4],
              r[5] == null ? null : ((Number) r[5]).longValue(),
              instant(r[6])));
    }
    return out;
  }

  /** What preparation reads of a pending, unprepared work request ({@code taskData} as JSON). */
  public record Unprepared(
      long id,
      String taskType,
      String taskName,
      String taskData,
      String workspace,
      Long rootId,
      Instant createdAt) {}

  private static Instant instant(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Instant i) {
      return i;
    }
    if (value instanceof java.time.OffsetDateTime o) {
      return o.toInstant();
    }
    return ((java.sql.Timestamp) value).toInstant();
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

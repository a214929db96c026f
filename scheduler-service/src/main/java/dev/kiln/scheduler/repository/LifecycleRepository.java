package dev.kiln.scheduler.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The set-based statements of the work request lifecycle: dependency edges, propagation, bulk
 * transitions. Every method runs a fixed number of statements whatever the number of work requests.
 */
@ApplicationScoped
public class LifecycleRepository {

  /** Advisory lock class of a root workflow (first key of the two-key form). */
  static final int ROOT_LOCK_CLASS = 1262;

  /** Advisory lock of the lifecycle router: one replica routes at a time. */
  private static final long ROUTER_LOCK = 0x6b696c6e726f7574L;

  @Inject EntityManager em;

  /**
   * What the lifecycle needs of one work request.
   *
   * @param root its root workflow (itself outside any workflow)
   * @param parentStatus its parent's status, null without a parent
   * @param superseded whether a retry of it exists
   */
  public record Node(
      long id,
      long root,
      Long parentId,
      String parentStatus,
      String parentTaskType,
      String status,
      String result,
      String taskType,
      String taskName,
      String workspace,
      String createdBy,
      String unblockStrategy,
      boolean allowFailure,
      int priorityBase,
      int priorityAdjustment,
      int retryCount,
      boolean superseded,
      Long workerId,
      int attempt) {}

  /** A work request a bulk transition changed, with what its event carries. */
  public record Changed(
      long id,
      Long rootId,
      Long parentId,
      String taskType,
      String taskName,
      String workspace,
      String status,
      String result,
      Long workerId,
      int attempt,
      Map<String, Object> workflowData) {}

  private static final String NODE_COLUMNS =
      "w.id, coalesce(w.root_id, w.id), w.parent_id, p.status, p.task_type, w.status, w.result,"
          + " w.task_type, w.task_name, w.workspace, w.created_by, w.unblock_strategy,"
          + " coalesce((w.workflow_data->>'allow_failure')::boolean, false),"
          + " w.priority_base, w.priority_adjustment, w.retry_count,"
          + " EXISTS (SELECT 1 FROM work_request s WHERE s.supersedes_id = w.id),"
          + " w.worker_id, w.attempt";

  private static final String CHANGED_COLUMNS =
      " RETURNING id, root_id, parent_id, task_type, task_name, workspace, status, result,"
          + " worker_id, attempt, CAST(workflow_data AS text)";

  /** These work requests, by id. */
  public Map<Long, Node> nodes(Collection<Long> ids) {
    return nodesWhere("LEFT JOIN work_request p ON p.id = w.parent_id WHERE w.id = ANY(?1)", ids);
  }

  public Optional<Node> node(long id) {
    return Optional.ofNullable(nodes(List.of(id)).get(id));
  }

  /** The blocked children of these workflows. */
  public Map<Long, Node> blockedChildren(Collection<Long> parentIds) {
    return nodesWhere(
        "JOIN work_request p ON p.id = w.parent_id"
            + " WHERE w.parent_id = ANY(?1) AND w.status = 'blocked'",
        parentIds);
  }

  @SuppressWarnings("unchecked")
  private Map<Long, Node> nodesWhere(String joinAndWhere, Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    List<Object[]> rows =
        em.createNativeQuery("SELECT " + NODE_COLUMNS + " FROM work_request w " + joinAndWhere)
            .setParameter(1, ids.toArray(new Long[0]))
            .getResultList();
    Map<Long, Node> out = new LinkedHashMap<>();
    for (Object[] r : rows) {
      Node n = node(r);
      out.put(n.id(), n);
    }
    return out;
  }

  private static Node node(Object[] r) {
    return new Node(
        ((Number) r[0]).longValue(),
        ((Number) r[1]).longValue(),
        r[2] == null ? null : ((Number) r[2]).longValue(),
        (String) r[3],
        (String) r[4],
        (String) r[5],
        (String) r[6],
        (String) r[7],
        (String) r[8],
        (String) r[9],
        (String) r[10],
        (String) r[11],
        (Boolean) r[12],
        ((Number) r[13]).intValue(),
        ((Number) r[14]).intValue(),
        ((Number) r[15]).intValue(),
        (Boolean) r[16],
        r[17] == null ? null : ((Number) r[17]).longValue(),
        ((Number) r[18]).intValue());
  }

  /** The root workflows of these work requests (themselves outside any workflow). */
  @SuppressWarnings("unchecked")
  public List<Long> rootsOf(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<Number> rows =
        em.createNativeQuery(
                "SELECT DISTINCT coalesce(root_id, id) FROM work_request WHERE id = ANY(?1)")
            .setParameter(1, ids.toArray(new Long[0]))
            .getResultList();
    return rows.stream().map(Number::longValue).toList();
  }

  /**
   * Serialises, until the transaction ends, every lifecycle change in these root workflows: a
   * propagation must see the dependencies other transactions complete or add. Locks are taken in id
   * order, so two transactions never wait for each other in a cycle. Take them before changing any
   * row of the workflow.
   */
  public void lockRoots(Collection<Long> roots) {
    if (roots.isEmpty()) {
      return;
    }
    em.createNativeQuery(
            "SELECT count(pg_advisory_xact_lock(?1, (r % 2147483647)::int))"
                + " FROM (SELECT DISTINCT r FROM unnest(?2) AS r ORDER BY r) AS roots")
        .setParameter(1, ROOT_LOCK_CLASS)
        .setParameter(2, roots.toArray(new Long[0]))
        .getSingleResult();
  }

  /**
   * Takes the locks of {@link #lockRoots} that are free, without waiting: for background jobs that
   * hold row locks already or would rather skip a busy workflow.
   *
   * @return the roots now locked by this transaction
   */
  @SuppressWarnings("unchecked")
  public List<Long> tryLockRoots(Collection<Long> roots) {
    if (roots.isEmpty()) {
      return List.of();
    }
    List<Number> rows =
        em.createNativeQuery(
                "SELECT r FROM (SELECT DISTINCT r FROM unnest(?2) AS r ORDER BY r) AS roots"
                    + " WHERE pg_try_advisory_xact_lock(?1, (r % 2147483647)::int)")
            .setParameter(1, ROOT_LOCK_CLASS)
            .setParameter(2, roots.toArray(new Long[0]))
            .getResultList();
    return rows.stream().map(Number::longValue).toList();
  }

  /** Locks the root workflows of these work requests (see {@link #lockRoots}). */
  public void lockRootsOf(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return;
    }
    // one statement: the roots are read and locked together (in id order, as lockRoots)
    em.createNativeQuery(
            "SELECT count(pg_advisory_xact_lock(?1, (r % 2147483647)::int))"
                + " FROM (SELECT DISTINCT coalesce(root_id, id) AS r FROM work_request"
                + "   WHERE id = ANY(?2) ORDER BY r) AS roots")
        .setParameter(1, ROOT_LOCK_CLASS)
        .setParameter(2, ids.toArray(new Long[0]))
        .getSingleResult();
  }

  /** Whether this transaction holds the router lock (another replica routes otherwise). */
  public boolean tryRouterLock() {
    return (Boolean)
        em.createNativeQuery("SELECT pg_try_advisory_xact_lock(?1)")
            .setParameter(1, ROUTER_LOCK)
            .getSingleResult();
  }

  /**
   * A blocked work request {@code w} that this propagation cannot change: it still waits for a
   * pending or running dependency (which no propagation touches), and none of its dependencies has
   * failed or is blocked (a blocked one might be aborted by this propagation). Such a dependent —
   * the exit synchronization point of 10,000 builds while builds still run — is left out, with its
   * thousands of edges, until its last dependencies end.
   */
  private static final String STILL_WAITING =
      " EXISTS (SELECT 1 FROM work_request_dependency x JOIN work_request y"
          + "   ON y.id = x.depends_on_id"
          + "   WHERE x.work_request_id = w.id AND y.status IN ('pending', 'running'))"
          + " AND NOT EXISTS (SELECT 1 FROM work_request_dependency x JOIN work_request y"
          + "   ON y.id = x.depends_on_id WHERE x.work_request_id = w.id"
          + "   AND (y.status = 'blocked' OR ((y.status = 'aborted' OR (y.status = 'completed'"
          + "     AND y.result NOT IN ('success', 'skipped')))"
          + "     AND NOT coalesce((y.workflow_data->>'allow_failure')::boolean, false))))";

  /**
   * The dependency edges (dependent → its dependencies) of every blocked work request reachable
   * from these through reverse edges that this propagation may change (not those {@link
   * #STILL_WAITING}): one recursive query.
   */
  @SuppressWarnings("unchecked")
  public Map<Long, List<Long>> blockedDependentEdges(Collection<Long> finished) {
    if (finished.isEmpty()) {
      return Map.of();
    }
    List<Object[]> rows =
        em.createNativeQuery(
                // the direct dependents once each (a semi-join), so that the check of one with
                // thousands of dependencies runs once, not once per finished dependency
                "WITH RECURSIVE d(id) AS ("
                    + "   SELECT w.id FROM work_request w WHERE w.id IN (SELECT e.work_request_id"
                    + "     FROM work_request_dependency e WHERE e.depends_on_id = ANY(?1))"
                    + "   AND w.status = 'blocked' AND NOT ("
                    + STILL_WAITING
                    + ")"
                    + " UNION"
                    + "   SELECT e.work_request_id FROM work_request_dependency e"
                    + "   JOIN d ON e.depends_on_id = d.id"
                    + "   JOIN work_request w ON w.id = e.work_request_id"
                    + "   WHERE w.status = 'blocked' AND NOT ("
                    + STILL_WAITING
                    + "))"
                    + " SELECT e.work_request_id, e.depends_on_id FROM work_request_dependency e"
                    + " WHERE e.work_request_id IN (SELECT id FROM d)")
            .setParameter(1, finished.toArray(new Long[0]))
            .getResultList();
    return edges(rows);
  }

  /** The dependencies of these work requests. */
  @SuppressWarnings("unchecked")
  public Map<Long, List<Long>> dependenciesOf(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT work_request_id, depends_on_id FROM work_request_dependency"
                    + " WHERE work_request_id = ANY(?1)")
            .setParameter(1, ids.toArray(new Long[0]))
            .getResultList();
    return edges(rows);
  }

  /** The work requests that depend on this one. */
  @SuppressWarnings("unchecked")
  public List<Long> dependentsOf(long id) {
    List<Number> rows =
        em.createNativeQuery(
                "SELECT work_request_id FROM work_request_dependency WHERE depends_on_id = ?1")
            .setParameter(1, id)
            .getResultList();
    return rows.stream().map(Number::longValue).toList();
  }

  private static Map<Long, List<Long>> edges(List<Object[]> rows) {
    Map<Long, List<Long>> out = new HashMap<>();
    for (Object[] r : rows) {
      out.computeIfAbsent(((Number) r[0]).longValue(), k -> new ArrayList<>())
          .add(((Number) r[1]).longValue());
    }
    return out;
  }

  /**
   * For each id, the latest work request of its chain of retries (itself when none supersedes it).
   */
  @SuppressWarnings("unchecked")
  public Map<Long, Long> latestRetries(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    List<Object[]> rows =
        em.createNativeQuery(
                "WITH RECURSIVE chain(orig, id) AS ("
                    + "   SELECT d, d FROM unnest(?1) AS d"
                    + " UNION ALL"
                    + "   SELECT c.orig, w.id FROM chain c JOIN work_request w"
                    + "   ON w.supersedes_id = c.id)"
                    + " SELECT orig, max(id) FROM chain GROUP BY orig")
            .setParameter(1, ids.toArray(new Long[0]))
            .getResultList();
    Map<Long, Long> out = new HashMap<>();
    for (Object[] r : rows) {
      out.put(((Number) r[0]).longValue(), ((Number) r[1]).longValue());
    }
    return out;
  }

  /** Reserves {@code n} work request ids (one statement). */
  @SuppressWarnings("unchecked")
  public List<Long> reserveIds(int n) {
    List<Number> rows =
        em.createNativeQuery(
                "SELECT nextval(pg_get_serial_sequence('work_request', 'id'))"
                    + " FROM generate_series(1, ?1)")
            .setParameter(1, n)
            .getResultList();
    return rows.stream().map(Number::longValue).sorted().toList();
  }

  /**
   * Inserts work requests given as JSON rows (id, workspace, created_by, status, task_type,
   * task_name, task_data, workflow_data, priority_base, unblock_strategy, parent_id, root_id,
   * supersedes_id, expiration_seconds, delay_until, retry_count; optional for the children of a
   * graph mutation: workflow_key, spec_sha256, on_success) in one statement. A row inserted running
   * (a sub-workflow) gets its start time.
   */
  public int insertAll(String rowsJson) {
    return em.createNativeQuery(
            "INSERT INTO work_request (id, workspace, created_by, created_at, completed_at, status,"
                + " result, task_type, task_name, task_data, workflow_data, priority_base,"
                + " priority_adjustment, unblock_strategy, parent_id, root_id, supersedes_id,"
                + " expiration_delay, expires_at, delay_until, retry_count, started_at,"
                + " workflow_key, spec_sha256, on_success)"
                + " SELECT u.id, u.workspace, u.created_by, now(),"
                + "   CASE WHEN u.status = 'aborted' THEN now() END, u.status, '', u.task_type,"
                + "   u.task_name, coalesce(u.task_data, '{}'), coalesce(u.workflow_data, '{}'),"
                + "   u.priority_base, 0, u.unblock_strategy, u.parent_id, u.root_id,"
                + "   u.supersedes_id, u.expiration_seconds * interval '1 second',"
                + "   now() + u.expiration_seconds * interval '1 second', u.delay_until,"
                + "   u.retry_count, CASE WHEN u.status = 'running' THEN now() END,"
                + "   u.workflow_key, u.spec_sha256, coalesce(u.on_success, '[]')"
                + " FROM jsonb_to_recordset(CAST(?1 AS jsonb)) AS u(id bigint, workspace text,"
                + "   created_by text, status text, task_type text, task_name text,"
                + "   task_data jsonb, workflow_data jsonb, priority_base integer,"
                + "   unblock_strategy text, parent_id bigint, root_id bigint,"
                + "   supersedes_id bigint, expiration_seconds bigint,"
                + "   delay_until timestamptz, retry_count integer, workflow_key text,"
                + "   spec_sha256 text, on_success jsonb)"
                + " ORDER BY u.id")
        .setParameter(1, rowsJson)
        .executeUpdate();
  }

  /** Inserts dependency edges ({@code from} depends on {@code to}) in one statement. */
  public int insertEdges(List<Long> from, List<Long> to) {
    if (from.isEmpty()) {
      return 0;
    }
    return em.createNativeQuery(
            "INSERT INTO work_request_dependency (work_request_id, depends_on_id)"
                + " SELECT f, t FROM unnest(?1, ?2) AS e(f, t) ON CONFLICT DO NOTHING")
        .setParameter(1, from.toArray(new Long[0]))
        .setParameter(2, to.toArray(new Long[0]))
        .executeUpdate();
  }

  /** Moves the edges of these dependents from one dependency to another (a retry). */
  public int moveEdges(long fromDependency, long toDependency, Collection<Long> dependents) {
    if (dependents.isEmpty()) {
      return 0;
    }
    return em.createNativeQuery(
            "UPDATE work_request_dependency SET depends_on_id = ?2"
                + " WHERE depends_on_id = ?1 AND work_request_id = ANY(?3)")
        .setParameter(1, fromDependency)
        .setParameter(2, toDependency)
        .setParameter(3, dependents.toArray(new Long[0]))
        .executeUpdate();
  }

  /**
   * Moves these work requests from one of {@code from} to {@code to}, in one statement; a request
   * in another status meanwhile is left alone. Sets {@code started_at} on running, {@code
   * completed_at} on a terminal status, the result when given.
   */
  public List<Changed> transition(
      Collection<Long> ids, Collection<String> from, String to, String result) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return changed(
        em.createNativeQuery(
                "UPDATE work_request SET status = ?3, result = ?4,"
                    + " started_at = CASE WHEN ?3 = 'running' THEN now() ELSE started_at END,"
                    + " completed_at = CASE WHEN ?3 IN ('completed', 'aborted') THEN now()"
                    + "   ELSE completed_at END,"
                    + " lease_expires_at = CASE WHEN ?3 IN ('completed', 'aborted') THEN NULL"
                    + "   ELSE lease_expires_at END"
                    + " WHERE id = ANY(?1) AND status = ANY(?2)"
                    + CHANGED_COLUMNS)
            .setParameter(1, ids.toArray(new Long[0]))
            .setParameter(2, from.toArray(new String[0]))
            .setParameter(3, to)
            .setParameter(4, result == null ? "" : result)
            .getResultList());
  }

  /**
   * Sends these pending server tasks to the runners: running, with a new attempt, the fencing
   * number their runs report with (a run of an earlier attempt cannot complete them).
   */
  public List<Changed> startServerTasks(Collection<Long> ids, String running) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return changed(
        em.createNativeQuery(
                "UPDATE work_request SET status = ?2, started_at = now(), attempt = attempt + 1"
                    + " WHERE id = ANY(?1) AND status = 'pending' AND task_type = 'server'"
                    + CHANGED_COLUMNS)
            .setParameter(1, ids.toArray(new Long[0]))
            .setParameter(2, running)
            .getResultList());
  }

  /** The current attempt of a work request (0 when it has none yet). */
  public int attempt(long id) {
    return ((Number)
            em.createNativeQuery("SELECT attempt FROM work_request WHERE id = ?1")
                .setParameter(1, id)
                .getSingleResult())
        .intValue();
  }

  /**
   * Aborts the work request and every descendant (children of children…) in one of {@code from}:
   * one recursive statement.
   */
  public List<Changed> abortSubtree(long id, Collection<String> from) {
    return changed(
        em.createNativeQuery(
                "WITH RECURSIVE sub(id) AS (SELECT CAST(?1 AS bigint)"
                    + "   UNION ALL SELECT w.id FROM work_request w JOIN sub ON w.parent_id = sub.id)"
                    + " UPDATE work_request SET status = 'aborted', completed_at = now(),"
                    + " lease_expires_at = NULL"
                    + " WHERE id IN (SELECT id FROM sub) AND status = ANY(?2)"
                    + CHANGED_COLUMNS)
            .setParameter(1, id)
            .setParameter(2, from.toArray(new String[0]))
            .getResultList());
  }

  /** Pending or running work requests of a routing step, oldest first. */
  @SuppressWarnings("unchecked")
  public List<Long> ids(String where, int limit) {
    List<Number> rows =
        em.createNativeQuery(
                "SELECT id FROM work_request WHERE " + where + " ORDER BY id LIMIT " + limit)
            .getResultList();
    return rows.stream().map(Number::longValue).toList();
  }

  /** Running {@code wait/delay} work requests whose time has come. */
  @SuppressWarnings("unchecked")
  public List<Long> dueDelays(Instant now, int limit) {
    List<Number> rows =
        em.createNativeQuery(
                "SELECT id FROM work_request WHERE status = 'running' AND task_type = 'wait'"
                    + " AND task_name = 'delay' AND delay_until <= ?1 ORDER BY id LIMIT ?2")
            .setParameter(1, now)
            .setParameter(2, limit)
            .getResultList();
    return rows.stream().map(Number::longValue).toList();
  }

  /** Pending workflow callbacks (id, parent workflow) in id order. */
  @SuppressWarnings("unchecked")
  public List<long[]> pendingCallbacks(int limit) {
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT id, parent_id FROM work_request WHERE status = 'pending'"
                    + " AND task_type = 'internal' AND task_name = 'workflow'"
                    + " ORDER BY id LIMIT ?1")
            .setParameter(1, limit)
            .getResultList();
    return rows.stream()
        .map(r -> new long[] {((Number) r[0]).longValue(), ((Number) r[1]).longValue()})
        .toList();
  }

  /** Workflows among these with a callback running. */
  @SuppressWarnings("unchecked")
  public List<Long> workflowsWithCallbackRunning(Collection<Long> workflows) {
    if (workflows.isEmpty()) {
      return List.of();
    }
    List<Number> rows =
        em.createNativeQuery(
                "SELECT DISTINCT parent_id FROM work_request WHERE status = 'running'"
                    + " AND task_type = 'internal' AND task_name = 'workflow'"
                    + " AND parent_id = ANY(?1)")
            .setParameter(1, workflows.toArray(new Long[0]))
            .getResultList();
    return rows.stream().map(Number::longValue).toList();
  }

  /** Appends an entry to {@code workflow_data.manual_unblock.log}. */
  public void appendUnblockLog(long id, String entryJson) {
    em.createNativeQuery(
            "UPDATE work_request SET workflow_data = jsonb_set(workflow_data, '{manual_unblock}',"
                + " jsonb_build_object('log',"
                + "   coalesce(workflow_data #> '{manual_unblock,log}', '[]'::jsonb)"
                + "   || jsonb_build_array(CAST(?2 AS jsonb))), true)"
                + " WHERE id = ?1")
        .setParameter(1, id)
        .setParameter(2, entryJson)
        .executeUpdate();
  }

  /** Completes one work request with a result and output data, if it is in one of {@code from}. */
  public List<Changed> complete(
      long id, Collection<String> from, String result, String outputJson) {
    return changed(
        em.createNativeQuery(
                "UPDATE work_request SET status = 'completed', result = ?3, completed_at = now(),"
                    + " lease_expires_at = NULL, output_data = CAST(?4 AS jsonb)"
                    + " WHERE id = ?1 AND status = ANY(?2)"
                    + CHANGED_COLUMNS)
            .setParameter(1, id)
            .setParameter(2, from.toArray(new String[0]))
            .setParameter(3, result)
            .setParameter(4, outputJson)
            .getResultList());
  }

  /**
   * What {@link #completeRunning} changed.
   *
   * @param changed the completed work requests
   * @param propagating those of them with a parent or with dependents: what can unblock, abort or
   *     complete anything else (the others end alone: a standalone request, say)
   */
  public record Completion(List<Changed> changed, List<Long> propagating) {}

  /**
   * Completes these running work requests, each with its result and output data (JSON), in one
   * statement; one no longer running is left alone. Whether each has a parent or dependents is read
   * in the same statement; the caller holds the root locks, under which edges are added.
   */
  public Completion completeRunning(Long[] ids, String[] results, String[] outputsJson) {
    if (ids.length == 0) {
      return new Completion(List.of(), List.of());
    }
    List<?> rows =
        em.createNativeQuery(
                "UPDATE work_request w SET status = 'completed', result = u.reported_result,"
                    + " completed_at = now(), lease_expires_at = NULL,"
                    + " output_data = CAST(u.reported_output AS jsonb)"
                    + " FROM unnest(?1, ?2, ?3) AS u(reported_id, reported_result, reported_output)"
                    + " WHERE w.id = u.reported_id AND w.status = 'running'"
                    + CHANGED_COLUMNS
                    + ", w.parent_id IS NOT NULL OR EXISTS (SELECT 1"
                    + "   FROM work_request_dependency e WHERE e.depends_on_id = w.id)")
            .setParameter(1, ids)
            .setParameter(2, results)
            .setParameter(3, outputsJson)
            .getResultList();
    List<Long> propagating = new ArrayList<>();
    for (Object o : rows) {
      Object[] r = (Object[]) o;
      if (Boolean.TRUE.equals(r[11])) {
        propagating.add(((Number) r[0]).longValue());
      }
    }
    return new Completion(changed(rows), propagating);
  }

  public int setPriorityAdjustment(long id, int adjustment) {
    return em.createNativeQuery("UPDATE work_request SET priority_adjustment = ?2 WHERE id = ?1")
        .setParameter(1, id)
        .setParameter(2, adjustment)
        .executeUpdate();
  }

  /**
   * Claims an idempotency key for a request body: true when this call is the first (the caller then
   * creates and {@link #recordIdempotent records} the ids). A concurrent first call with the same
   * key makes this one wait for its commit.
   */
  public boolean claimIdempotencyKey(String caller, String key, String sha256) {
    return em.createNativeQuery(
                "INSERT INTO work_request_idempotency (caller, client_key, request_sha256)"
                    + " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
            .setParameter(1, caller)
            .setParameter(2, key)
            .setParameter(3, sha256)
            .executeUpdate()
        == 1;
  }

  /** A stored key: the body's SHA-256, the node keys and the ids created for them. */
  public record Idempotent(String sha256, List<String> nodeKeys, List<Long> ids) {}

  @SuppressWarnings("unchecked")
  public Idempotent idempotent(String caller, String key) {
    Object[] r =
        (Object[])
            em.createNativeQuery(
                    "SELECT request_sha256, node_keys, work_request_ids"
                        + " FROM work_request_idempotency WHERE caller = ?1 AND client_key = ?2")
                .setParameter(1, caller)
                .setParameter(2, key)
                .getSingleResult();
    List<Long> ids = new ArrayList<>();
    for (Object o : toArray(r[2])) {
      ids.add(((Number) o).longValue());
    }
    List<String> keys = new ArrayList<>();
    for (Object o : toArray(r[1])) {
      keys.add((String) o);
    }
    return new Idempotent((String) r[0], keys, ids);
  }

  private static Object[] toArray(Object o) {
    if (o instanceof Object[] a) {
      return a;
    }
    try {
      return (Object[]) ((java.sql.Array) o).getArray();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public void recordIdempotent(String caller, String key, List<String> nodeKeys, List<Long> ids) {
    em.createNativeQuery(
            "UPDATE work_request_idempotency SET node_keys = ?3, work_request_ids = ?4"
                + " WHERE caller = ?1 AND client_key = ?2")
        .setParameter(1, caller)
        .setParameter(2, key)
        .setParameter(3, nodeKeys.toArray(new String[0]))
        .setParameter(4, ids.toArray(new Long[0]))
        .executeUpdate();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String text) {
    try {
      return dev.kiln.task.TaskJson.mapper().readValue(text, Map.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("workflow_data is not JSON", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Changed> changed(List<?> rows) {
    List<Changed> out = new ArrayList<>();
    for (Object o : rows) {
      Object[] r = (Object[]) o;
      out.add(
          new Changed(
              ((Number) r[0]).longValue(),
              r[1] == null ? null : ((Number) r[1]).longValue(),
              r[2] == null ? null : ((Number) r[2]).longValue(),
              (String) r[3],
              (String) r[4],
              (String) r[5],
              (String) r[6],
              (String) r[7],
              r[8] == null ? null : ((Number) r[8]).longValue(),
              ((Number) r[9]).intValue(),
              r[10] == null ? Map.of() : json((String) r[10])));
    }
    return out;
  }
}

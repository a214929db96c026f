package dev.kiln.scheduler.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kiln.common.auth.Caller;
import dev.kiln.common.log.LogContext;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import dev.kiln.scheduler.domain.CreatorKind;
import dev.kiln.scheduler.domain.DependencyGraph;
import dev.kiln.scheduler.domain.DependencyNode;
import dev.kiln.scheduler.domain.DependencyRules;
import dev.kiln.scheduler.domain.ManualUnblock;
import dev.kiln.scheduler.domain.PriorityRules;
import dev.kiln.scheduler.domain.Propagation;
import dev.kiln.scheduler.domain.RetryRules;
import dev.kiln.scheduler.domain.TaskDataRules;
import dev.kiln.scheduler.domain.TaskTypeRules;
import dev.kiln.scheduler.domain.UnblockStrategy;
import dev.kiln.scheduler.domain.WorkRequestAccess;
import dev.kiln.scheduler.domain.WorkRequestResult;
import dev.kiln.scheduler.domain.WorkRequestStatus;
import dev.kiln.scheduler.repository.LifecycleRepository;
import dev.kiln.scheduler.repository.LifecycleRepository.Changed;
import dev.kiln.scheduler.repository.LifecycleRepository.Node;
import dev.kiln.scheduler.repository.WorkRequestEntity;
import dev.kiln.scheduler.repository.WorkRequestRepository;
import dev.kiln.scheduler.repository.WorkflowGraphRepository;
import dev.kiln.task.TaskJson;
import dev.kiln.task.TaskType;
import dev.kiln.task.workflow.WorkflowCompletion;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * The work request lifecycle over the domain rules: creation (alone or as a graph, idempotent),
 * dependency propagation, abort of a subtree, retry, manual unblock, completion through the API,
 * priority. Every transition is checked against {@link WorkRequestStatus#TRANSITIONS}; bulk changes
 * are one statement per set. Changes inside a root workflow are serialised by its advisory lock
 * ({@link LifecycleRepository#lockRoots}), taken before any row of it changes.
 */
@ApplicationScoped
public class LifecycleService {

  private static final Logger LOG = Logger.getLogger(LifecycleService.class);
  private static final String DEFAULT_WORKSPACE = "System";
  private static final String SINGLE_KEY = "work_request";

  @Inject LifecycleRepository lifecycle;
  @Inject WorkflowGraphRepository graphs;
  @Inject WorkRequestRepository repository;
  @Inject WorkRequestEvents events;
  @Inject MeterRegistry registry;
  @Inject Event<WorkRequestService.WorkAvailable> workAvailable;

  /** What a creation returns: the work requests by key, and whether it replayed a stored key. */
  public record Created(Map<String, WorkRequestView> workRequests, boolean replayed) {}

  /** Creates one work request (a graph of one node, with its dependencies on stored ones). */
  @Transactional
  public Created create(NewWorkRequest request, Caller caller, String idempotencyKey) {
    return createGraph(
        new GraphRequest(List.of(GraphRequest.Node.of(SINGLE_KEY, request)), List.of()),
        caller,
        idempotencyKey,
        "");
  }

  /** Creates a graph of work requests in one transaction. */
  @Transactional
  public Created createGraph(GraphRequest graph, Caller caller, String idempotencyKey) {
    return createGraph(graph, caller, idempotencyKey, null);
  }

  private Created createGraph(
      GraphRequest graph, Caller caller, String idempotencyKey, String fieldPrefix) {
    if (idempotencyKey != null) {
      if (idempotencyKey.isBlank() || idempotencyKey.length() > 255) {
        throw ApiException.invalidField("Idempotency-Key", "must be 1 to 255 characters");
      }
      String sha = sha256(graph);
      if (!lifecycle.claimIdempotencyKey(caller.name(), idempotencyKey, sha)) {
        LifecycleRepository.Idempotent stored = lifecycle.idempotent(caller.name(), idempotencyKey);
        if (!stored.sha256().equals(sha)) {
          throw ApiException.conflict(
              "idempotency key '"
                  + idempotencyKey
                  + "' was used for another request body: use a new key");
        }
        Map<String, WorkRequestView> out = new LinkedHashMap<>();
        for (int i = 0; i < stored.ids().size(); i++) {
          out.put(stored.nodeKeys().get(i), view(stored.ids().get(i)));
        }
        return new Created(out, true);
      }
    }
    Map<String, Draft> drafts = drafts(graph, caller, fieldPrefix);
    insert(drafts, caller);
    if (idempotencyKey != null) {
      List<String> keys = new ArrayList<>(drafts.keySet());
      lifecycle.recordIdempotent(
          caller.name(), idempotencyKey, keys, keys.stream().map(k -> drafts.get(k).id).toList());
    }
    repository.flush();
    Map<String, WorkRequestView> out = new LinkedHashMap<>();
    for (Draft d : drafts.values()) {
      out.put(d.key, view(d.id));
    }
    workAvailable.fire(new WorkRequestService.WorkAvailable());
    return new Created(out, false);
  }

  private WorkRequestView view(long id) {
    return repository
        .findByIdOptional(id)
        .map(WorkRequestView::of)
        .orElseThrow(() -> ApiException.notFound("work request " + id));
  }

  /** A node being created. */
  private static final class Draft {
    String key;
    String field;
    long id;
    Long parentId;
    String parentKey;
    Long rootId;
    long root;
    TaskType type;
    String taskName;
    Map<String, Object> taskData;
    Map<String, Object> workflowData;
    String workspace;
    UnblockStrategy strategy;
    int priorityBase;
    Integer relativePriority;
    Long expirationSeconds;
    Instant delayUntil;
    WorkRequestStatus status;
    Long supersedes;
    int retryCount;
    List<Long> storedDependencies = List.of();
    List<String> dependencyKeys = new ArrayList<>();
  }

  private Map<String, Draft> drafts(GraphRequest graph, Caller caller, String fieldPrefix) {
    boolean single = fieldPrefix != null;
    List<FieldError> errors = new ArrayList<>();
    List<GraphRequest.Node> nodes = graph.nodes() == null ? List.of() : graph.nodes();
    if (nodes.isEmpty()) {
      throw ApiException.invalidField("nodes", "at least one work request is required");
    }
    if (nodes.size() > 10_000) {
      throw ApiException.invalidField("nodes", "at most 10000 work requests at a time");
    }
    Map<String, Draft> drafts = new LinkedHashMap<>();
    List<Long> ids = lifecycle.reserveIds(nodes.size());
    Set<Long> storedIds = new TreeSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      GraphRequest.Node n = nodes.get(i);
      Draft d = new Draft();
      d.field = single ? "" : "nodes[" + i + "].";
      d.key = n.key();
      if (d.key == null || d.key.isBlank()) {
        errors.add(new FieldError(d.field + "key", "is required"));
        d.key = "#node" + i;
      } else if (drafts.containsKey(d.key)) {
        errors.add(new FieldError(d.field + "key", "'" + d.key + "' is used twice"));
      }
      d.id = ids.get(i);
      String taskType = n.taskType() == null ? TaskType.WORKER.wire() : n.taskType();
      for (FieldError e : TaskDataRules.validate(taskType, n.taskName(), n.taskData())) {
        errors.add(new FieldError(d.field + e.field(), e.message()));
      }
      d.type = TaskType.fromWire(taskType).orElse(null);
      d.taskName = n.taskName();
      d.taskData = n.taskData();
      d.workflowData = n.workflowData() == null ? new LinkedHashMap<>() : n.workflowData();
      d.workspace = n.workspace();
      d.parentKey = n.parent();
      d.parentId = n.parentId();
      if (d.parentKey != null && d.parentId != null) {
        errors.add(new FieldError(d.field + "parent", "give parent or parent_id, not both"));
      }
      if (d.parentId != null) {
        storedIds.add(d.parentId);
      }
      try {
        d.strategy =
            n.unblockStrategy() == null
                ? UnblockStrategy.DEPS
                : UnblockStrategy.fromWire(n.unblockStrategy());
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError(d.field + "unblock_strategy", "must be deps or manual"));
        d.strategy = UnblockStrategy.DEPS;
      }
      d.relativePriority = n.priorityBase();
      if (n.expirationDelay() != null) {
        if (n.expirationDelay().isNegative() || n.expirationDelay().isZero()) {
          errors.add(new FieldError(d.field + "expiration_delay", "must be positive"));
        }
        d.expirationSeconds = n.expirationDelay().toSeconds();
      }
      if (d.type == TaskType.WAIT
          && TaskTypeRules.DELAY.equals(d.taskName)
          && d.taskData != null
          && d.taskData.get("delay_until") instanceof String s) {
        try {
          d.delayUntil = Instant.parse(s);
        } catch (DateTimeParseException e) {
          errors.add(new FieldError(d.field + "task_data.delay_until", "is not an instant"));
        }
      }
      if (n.dependencies() != null) {
        d.storedDependencies = List.copyOf(new LinkedHashSet<>(n.dependencies()));
        storedIds.addAll(d.storedDependencies);
      }
      drafts.putIfAbsent(d.key, d);
    }
    for (int i = 0; graph.edges() != null && i < graph.edges().size(); i++) {
      GraphRequest.Edge e = graph.edges().get(i);
      String f = "edges[" + i + "]";
      Draft d = e.workRequest() == null ? null : drafts.get(e.workRequest());
      if (d == null) {
        errors.add(new FieldError(f + ".work_request", "names no node of the graph"));
      } else if (e.dependsOn() == null || !drafts.containsKey(e.dependsOn())) {
        errors.add(new FieldError(f + ".depends_on", "names no node of the graph"));
      } else {
        d.dependencyKeys.add(e.dependsOn());
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    // Stored parents and dependencies: lock their root workflows, then read them.
    lifecycle.lockRootsOf(storedIds);
    Map<Long, Node> stored = lifecycle.nodes(storedIds);
    for (Long id : storedIds) {
      if (!stored.containsKey(id)) {
        throw ApiException.invalidField(
            (single ? "" : "nodes.") + "dependencies", "work request " + id + " does not exist");
      }
    }
    CreatorKind creator = WorkRequestAccess.creatorKind(caller);
    // Parents, roots, workspaces, priorities: resolved top-down; a parent cycle is refused.
    Map<String, Boolean> resolving = new HashMap<>();
    for (Draft d : drafts.values()) {
      resolveParent(d, drafts, stored, resolving, errors);
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    for (Draft d : drafts.values()) {
      TaskType parentType = parentType(d, drafts, stored);
      for (FieldError e :
          TaskTypeRules.checkCreate(d.type, d.taskName, creator, parentType, d.workflowData)) {
        errors.add(new FieldError(d.field + e.field(), e.message()));
      }
      if (d.workspace.isBlank() || d.workspace.length() > 255) {
        errors.add(new FieldError(d.field + "workspace", "must be 1 to 255 characters"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    for (Draft d : drafts.values()) {
      WorkRequestAccess.checkCreate(caller, d.workspace);
      if (d.parentId == null && d.parentKey == null && d.relativePriority != null) {
        PriorityRules.checkTemplatePriority(
            d.relativePriority, WorkRequestAccess.mayManagePriorities(caller, d.workspace));
      }
    }
    validateGraph(drafts, stored, single);
    // Initial statuses: dependencies on new nodes are waiting; a new parent is not running yet.
    for (Draft d : drafts.values()) {
      List<DependencyNode> deps = new ArrayList<>();
      for (Long s : d.storedDependencies) {
        deps.add(dependencyNode(stored.get(s)));
      }
      for (String k : d.dependencyKeys) {
        Draft dep = drafts.get(k);
        deps.add(
            new DependencyNode(
                dep.id, WorkRequestStatus.BLOCKED, null, false, UnblockStrategy.DEPS, false));
      }
      boolean parentRunning =
          d.parentKey == null
              && (d.parentId == null
                  || WorkRequestStatus.RUNNING.wire().equals(stored.get(d.parentId).status()));
      d.status = DependencyRules.initialStatus(d.strategy, parentRunning, deps);
    }
    linkParents(drafts);
    return drafts;
  }

  private void resolveParent(
      Draft d,
      Map<String, Draft> drafts,
      Map<Long, Node> stored,
      Map<String, Boolean> resolving,
      List<FieldError> errors) {
    if (Boolean.FALSE.equals(resolving.get(d.key))) {
      return; // resolved
    }
    if (Boolean.TRUE.equals(resolving.get(d.key))) {
      errors.add(new FieldError(d.field + "parent", "node '" + d.key + "' is its own ancestor"));
      return;
    }
    resolving.put(d.key, true);
    String parentWorkspace = null;
    Integer parentEffective = null;
    if (d.parentKey != null) {
      Draft p = drafts.get(d.parentKey);
      if (p == null) {
        errors.add(new FieldError(d.field + "parent", "names no node of the graph"));
      } else {
        resolveParent(p, drafts, stored, resolving, errors);
        d.parentId = null;
        d.rootId = p.rootId != null ? p.rootId : Long.valueOf(p.id);
        d.root = d.rootId;
        parentWorkspace = p.workspace;
        parentEffective = p.priorityBase;
      }
    } else if (d.parentId != null) {
      Node p = stored.get(d.parentId);
      d.rootId = p.root();
      d.root = p.root();
      parentWorkspace = p.workspace();
      parentEffective = PriorityRules.effective(p.priorityBase(), p.priorityAdjustment());
      if (WorkRequestStatus.fromWire(p.status()).isTerminal()) {
        errors.add(
            new FieldError(
                d.field + "parent_id",
                "workflow " + p.id() + " is " + p.status() + ": it takes no new children"));
      }
    } else {
      d.rootId = null;
      d.root = d.id;
    }
    if (parentWorkspace != null) {
      if (d.workspace != null && !d.workspace.equals(parentWorkspace)) {
        errors.add(
            new FieldError(
                d.field + "workspace", "must be the parent's workspace '" + parentWorkspace + "'"));
      }
      d.workspace = parentWorkspace;
      d.priorityBase =
          PriorityRules.childBase(
              parentEffective == null ? 0 : parentEffective,
              d.relativePriority == null ? 0 : d.relativePriority);
    } else {
      d.workspace = d.workspace == null ? DEFAULT_WORKSPACE : d.workspace;
      d.priorityBase = d.relativePriority == null ? 0 : d.relativePriority;
    }
    resolving.put(d.key, false);
  }

  private static TaskType parentType(Draft d, Map<String, Draft> drafts, Map<Long, Node> stored) {
    if (d.parentKey != null) {
      return drafts.get(d.parentKey).type;
    }
    if (d.parentId != null) {
      return TaskType.fromWire(stored.get(d.parentId).taskType()).orElseThrow();
    }
    return null;
  }

  /** Dependencies stay inside one root workflow and form no cycle ({@link DependencyGraph}). */
  private void validateGraph(Map<String, Draft> drafts, Map<Long, Node> stored, boolean single) {
    Map<String, Long> rootOf = new LinkedHashMap<>();
    Map<String, List<String>> deps = new LinkedHashMap<>();
    for (Draft d : drafts.values()) {
      String k = single ? "new" : d.key;
      rootOf.put(k, d.root);
      List<String> ds = new ArrayList<>(d.dependencyKeys);
      for (Long s : d.storedDependencies) {
        String sk = "#" + s;
        rootOf.put(sk, stored.get(s).root());
        ds.add(sk);
      }
      deps.put(k, ds);
    }
    List<DependencyGraph.Error<String>> errors = DependencyGraph.validate(rootOf, deps);
    if (!errors.isEmpty()) {
      List<FieldError> fields = new ArrayList<>();
      for (DependencyGraph.Error<String> e : errors) {
        fields.add(new FieldError(single ? "dependencies" : "edges", e.message()));
      }
      throw new ApiException(
          ApiException.Kind.INVALID_INPUT,
          errors.get(0).message() + (errors.size() > 1 ? " (and more)" : ""),
          fields);
    }
  }

  private void insert(Map<String, Draft> drafts, Caller caller) {
    List<Map<String, Object>> rows = new ArrayList<>();
    List<Long> from = new ArrayList<>();
    List<Long> to = new ArrayList<>();
    for (Draft d : drafts.values()) {
      Map<String, Object> r = row(d, caller);
      List<Long> depIds = new ArrayList<>(d.storedDependencies);
      for (String k : d.dependencyKeys) {
        depIds.add(drafts.get(k).id);
      }
      for (Long dep : depIds) {
        from.add(d.id);
        to.add(dep);
      }
      r.put("dependencies", depIds);
      rows.add(r);
    }
    lifecycle.insertAll(json(rows));
    lifecycle.insertEdges(from, to);
    events.createdAll(rows);
    for (Draft d : drafts.values()) {
      try (LogContext ignored = LogContext.workRequest(d.id, null)) {
        LOG.infof(
            "created %s/%s in workspace %s by %s (%s)",
            d.type.wire(), d.taskName, d.workspace, caller.name(), d.status.wire());
      }
      registry.counter("kiln_work_requests_created_total", "task_type", d.type.wire()).increment();
    }
  }

  private static Map<String, Object> row(Draft d, Caller caller) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", d.id);
    r.put("workspace", d.workspace);
    r.put("created_by", caller.name());
    r.put("status", d.status.wire());
    r.put("task_type", d.type.wire());
    r.put("task_name", d.taskName);
    r.put("task_data", d.taskData);
    r.put("workflow_data", d.workflowData);
    r.put("priority_base", d.priorityBase);
    r.put("unblock_strategy", d.strategy.wire());
    r.put("parent_id", d.parentId);
    r.put("root_id", d.rootId);
    r.put("supersedes_id", d.supersedes);
    r.put("expiration_seconds", d.expirationSeconds);
    r.put("delay_until", d.delayUntil == null ? null : d.delayUntil.toString());
    r.put("retry_count", d.retryCount);
    return r;
  }

  /** Sets parent ids of new children once every node has its id. */
  private static void linkParents(Map<String, Draft> drafts) {
    for (Draft d : drafts.values()) {
      if (d.parentKey != null) {
        d.parentId = drafts.get(d.parentKey).id;
      }
    }
  }

  static DependencyNode dependencyNode(Node n) {
    WorkRequestStatus status = WorkRequestStatus.fromWire(n.status());
    return new DependencyNode(
        n.id(),
        status,
        status == WorkRequestStatus.COMPLETED ? WorkRequestResult.fromWire(n.result()) : null,
        n.allowFailure(),
        UnblockStrategy.fromWire(n.unblockStrategy()),
        n.parentId() == null || WorkRequestStatus.RUNNING.wire().equals(n.parentStatus()));
  }

  // ---------------------------------------------------------------------------------------------
  // Propagation

  /**
   * Applies {@link DependencyRules#propagate} for work requests that just reached a terminal status
   * in the caller's transaction: one recursive query for the blocked dependents, one for the nodes,
   * one {@code UPDATE} per resulting set, one outbox statement per set. The caller holds the root
   * locks ({@link LifecycleRepository#lockRootsOf}) taken before it changed the rows.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Propagation finished(Collection<Long> finishedIds) {
    Propagation p = propagate(finishedIds);
    completeWorkflows(ended(finishedIds, p), List.of());
    return p;
  }

  /**
   * {@link #finished} for a graph mutation: what ended propagates, and these workflows complete too
   * when they have no open child (an empty populate, a sub-workflow laid out without children).
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void finishedOrEmpty(Collection<Long> finishedIds, Collection<Long> workflows) {
    Propagation p = propagate(finishedIds);
    completeWorkflows(ended(finishedIds, p), workflows);
  }

  private static Set<Long> ended(Collection<Long> finishedIds, Propagation p) {
    Set<Long> out = new TreeSet<>(finishedIds);
    out.addAll(p.abort());
    return out;
  }

  /**
   * Workflow completion ({@link WorkflowCompletion}): a running workflow among the parents of what
   * ended (or among {@code workflows}) whose last open child just finished completes in this
   * transaction; what it ends propagates to its own dependents and its parent, up to the root. Per
   * level: one indexed query for the workflows left without open children, one grouped query of
   * their children, one {@code UPDATE} per result, one outbox statement per event set.
   */
  private void completeWorkflows(Collection<Long> ended, Collection<Long> workflows) {
    Collection<Long> finishedNow = ended;
    Collection<Long> also = workflows;
    while (true) {
      List<Long> done = graphs.workflowsWithoutOpenChildren(finishedNow, also);
      if (done.isEmpty()) {
        return;
      }
      Map<Long, List<WorkflowCompletion.Child>> children = new HashMap<>();
      done.forEach(w -> children.put(w, new ArrayList<>()));
      for (WorkflowGraphRepository.ChildGroup g : graphs.childGroups(done)) {
        children
            .get(g.workflowId())
            .add(new WorkflowCompletion.Child(g.status(), g.result(), g.allowFailure()));
      }
      Map<WorkflowCompletion.End, List<Long>> byEnd = new HashMap<>();
      for (Long w : done) {
        WorkflowCompletion.of(children.get(w))
            .ifPresent(e -> byEnd.computeIfAbsent(e, k -> new ArrayList<>()).add(w));
      }
      String running = WorkRequestStatus.RUNNING.wire();
      String completed = WorkRequestStatus.RUNNING.transitionTo(WorkRequestStatus.COMPLETED).wire();
      List<Changed> changed = new ArrayList<>();
      List<Changed> succeeded =
          lifecycle.transition(
              byEnd.getOrDefault(WorkflowCompletion.End.SUCCESS, List.of()),
              List.of(running),
              completed,
              WorkRequestResult.SUCCESS.wire());
      List<Changed> failed =
          lifecycle.transition(
              byEnd.getOrDefault(WorkflowCompletion.End.FAILURE, List.of()),
              List.of(running),
              completed,
              WorkRequestResult.FAILURE.wire());
      List<Changed> aborted =
          lifecycle.transition(
              byEnd.getOrDefault(WorkflowCompletion.End.ABORTED, List.of()),
              List.of(running),
              WorkRequestStatus.RUNNING.transitionTo(WorkRequestStatus.ABORTED).wire(),
              null);
      changed.addAll(succeeded);
      changed.addAll(failed);
      events.completedAll(changed, Map.of());
      events.abortedAll(aborted, "workflow-completion");
      changed.addAll(aborted);
      for (Changed c : changed) {
        try (LogContext ignored = LogContext.workRequest(c.id(), null)) {
          LOG.infof("workflow ended %s %s: no open child left", c.status(), c.result());
        }
        registry
            .counter(
                "kiln_workflows_ended_total",
                "result",
                c.result().isEmpty() ? c.status() : c.result())
            .increment();
      }
      List<Long> ids = changed.stream().map(Changed::id).toList();
      Propagation p = propagate(ids);
      finishedNow = ended(ids, p);
      also = List.of();
    }
  }

  private Propagation propagate(Collection<Long> finishedIds) {
    if (finishedIds.isEmpty()) {
      return new Propagation(new TreeSet<>(), new TreeSet<>());
    }
    Map<Long, List<Long>> edges = lifecycle.blockedDependentEdges(finishedIds);
    if (edges.isEmpty()) {
      return new Propagation(new TreeSet<>(), new TreeSet<>());
    }
    Set<Long> ids = new HashSet<>(finishedIds);
    edges.forEach(
        (k, v) -> {
          ids.add(k);
          ids.addAll(v);
        });
    Map<Long, DependencyNode> nodes = new HashMap<>();
    lifecycle.nodes(ids).forEach((id, n) -> nodes.put(id, dependencyNode(n)));
    TreeSet<Long> unblock = new TreeSet<>();
    TreeSet<Long> abort = new TreeSet<>();
    for (Long f : new TreeSet<>(finishedIds)) {
      if (!nodes.containsKey(f) || !nodes.get(f).status().isTerminal()) {
        continue;
      }
      Propagation p = DependencyRules.propagate(f, nodes, edges);
      for (Long u : p.unblock()) {
        nodes.put(u, nodes.get(u).with(WorkRequestStatus.PENDING, null));
        unblock.add(u);
      }
      for (Long a : p.abort()) {
        nodes.put(a, nodes.get(a).with(WorkRequestStatus.ABORTED, null));
        abort.add(a);
      }
    }
    Propagation result = new Propagation(unblock, abort);
    apply(result);
    return result;
  }

  private void apply(Propagation p) {
    String blocked = WorkRequestStatus.BLOCKED.wire();
    List<Changed> unblocked =
        lifecycle.transition(
            p.unblock(),
            List.of(blocked),
            WorkRequestStatus.BLOCKED.transitionTo(WorkRequestStatus.PENDING).wire(),
            null);
    events.statusChangedAll(unblocked, blocked, "dependencies satisfied");
    List<Changed> aborted =
        lifecycle.transition(
            p.abort(),
            List.of(blocked),
            WorkRequestStatus.BLOCKED.transitionTo(WorkRequestStatus.ABORTED).wire(),
            null);
    events.abortedAll(aborted, "dependency-failed");
    if (!unblocked.isEmpty()) {
      workAvailable.fire(new WorkRequestService.WorkAvailable());
    }
    if (!aborted.isEmpty()) {
      registry.counter("kiln_work_requests_cascade_aborted_total").increment(aborted.size());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Abort

  /** A running attempt an abort must stop on its agent. */
  public record RunningAbort(long workRequestId, long workerId, int attempt) {}

  /** What an abort changed: the view, and the agent attempts to stop. */
  public record Aborted(WorkRequestView workRequest, List<RunningAbort> stop) {}

  /**
   * Aborts a work request and, for a workflow, every unfinished descendant (one recursive
   * statement); their blocked dependents follow by propagation. The move is checked against the
   * transition table: aborting a terminal work request is a 409 naming the move.
   */
  @Transactional
  public Aborted abort(long id, Caller caller) {
    Node n = lifecycle.node(id).orElseThrow(() -> ApiException.notFound("work request " + id));
    WorkRequestAccess.checkManageOwn(caller, n.workspace(), n.createdBy(), "abort");
    lifecycle.lockRoots(List.of(n.root()));
    n = lifecycle.node(id).orElseThrow();
    WorkRequestStatus.fromWire(n.status()).transitionTo(WorkRequestStatus.ABORTED);
    List<Changed> aborted = lifecycle.abortSubtree(id, abortable());
    events.abortedAll(aborted, caller.name());
    List<RunningAbort> stop = new ArrayList<>();
    for (Changed c : aborted) {
      if (c.workerId() != null) {
        stop.add(new RunningAbort(c.id(), c.workerId(), c.attempt()));
      }
      registry.counter("kiln_work_requests_aborted_total", "task_type", c.taskType()).increment();
    }
    finished(aborted.stream().map(Changed::id).toList());
    try (LogContext ignored = LogContext.workRequest(id, null)) {
      LOG.infof(
          "aborted by %s (was %s), with %d descendants",
          caller.name(), n.status(), aborted.size() - 1);
    }
    if (!stop.isEmpty()) {
      workAvailable.fire(new WorkRequestService.WorkAvailable()); // the workers have room again
    }
    return new Aborted(view(id), stop);
  }

  /** The statuses that may move to aborted, from the transition table. */
  static List<String> abortable() {
    return Arrays.stream(WorkRequestStatus.values())
        .filter(s -> s.canTransitionTo(WorkRequestStatus.ABORTED))
        .map(WorkRequestStatus::wire)
        .toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Retry

  /** The new work request and the dependents it took over. */
  public record Retried(WorkRequestView workRequest, List<Long> rewired) {}

  /** Retries a work request that ended badly: a new one supersedes it ({@link RetryRules}). */
  @Transactional
  public Retried retry(long id, Caller caller) {
    Node n = lifecycle.node(id).orElseThrow(() -> ApiException.notFound("work request " + id));
    WorkRequestAccess.checkManageOwn(caller, n.workspace(), n.createdBy(), "retry");
    lifecycle.lockRoots(List.of(n.root()));
    n = lifecycle.node(id).orElseThrow();
    WorkRequestStatus status = WorkRequestStatus.fromWire(n.status());
    RetryRules.Candidate candidate =
        new RetryRules.Candidate(
            id,
            TaskType.fromWire(n.taskType()).orElseThrow(),
            status,
            status == WorkRequestStatus.COMPLETED ? WorkRequestResult.fromWire(n.result()) : null,
            n.superseded(),
            n.retryCount(),
            n.parentStatus() == null ? null : WorkRequestStatus.fromWire(n.parentStatus()));
    RetryRules.checkRetriable(candidate);
    List<Long> oldDeps = lifecycle.dependenciesOf(List.of(id)).getOrDefault(id, List.of());
    Map<Long, Long> latest = lifecycle.latestRetries(oldDeps);
    List<Long> dependentIds = lifecycle.dependentsOf(id);
    Set<Long> read = new HashSet<>(latest.values());
    read.addAll(dependentIds);
    Map<Long, Node> nodes = lifecycle.nodes(read);
    List<DependencyNode> deps =
        new TreeSet<>(latest.values()).stream().map(d -> dependencyNode(nodes.get(d))).toList();
    List<DependencyNode> dependents =
        dependentIds.stream().map(d -> dependencyNode(nodes.get(d))).toList();
    boolean parentRunning =
        n.parentId() == null || WorkRequestStatus.RUNNING.wire().equals(n.parentStatus());
    WorkRequestEntity old = repository.findById(id);
    RetryRules.Plan plan =
        RetryRules.plan(
            candidate,
            RetryRules.Reason.MANUAL,
            UnblockStrategy.fromWire(old.unblockStrategy),
            parentRunning,
            deps,
            dependents);
    Draft d = new Draft();
    d.key = SINGLE_KEY;
    d.id = lifecycle.reserveIds(1).get(0);
    d.parentId = old.parentId;
    d.rootId = old.rootId;
    d.root = n.root();
    d.type = candidate.type();
    d.taskName = old.taskName;
    d.taskData = old.taskData;
    d.workflowData = old.workflowData == null ? new LinkedHashMap<>() : old.workflowData;
    d.workspace = old.workspace;
    d.strategy = UnblockStrategy.fromWire(old.unblockStrategy);
    d.priorityBase = old.priorityBase;
    d.status = plan.status();
    d.supersedes = id;
    d.retryCount = plan.retryCount();
    d.storedDependencies = List.copyOf(plan.dependencies());
    Map<String, Object> row = row(d, caller);
    row.put("created_by", old.createdBy);
    row.put("dependencies", d.storedDependencies);
    lifecycle.insertAll(json(List.of(row)));
    graphs.moveWorkflowKey(id, d.id); // a retried child keeps its key (the latest attempt holds it)
    lifecycle.insertEdges(
        d.storedDependencies.stream().map(x -> d.id).toList(), d.storedDependencies);
    lifecycle.moveEdges(id, d.id, plan.rewired());
    List<Changed> reblocked =
        lifecycle.transition(
            plan.reblocked(),
            List.of(WorkRequestStatus.PENDING.wire()),
            WorkRequestStatus.PENDING.transitionTo(WorkRequestStatus.BLOCKED).wire(),
            null);
    events.createdAll(List.of(row));
    events.retried(id, old.rootId, row, List.copyOf(plan.rewired()), caller.name());
    events.statusChangedAll(reblocked, WorkRequestStatus.PENDING.wire(), "dependency retried");
    try (LogContext ignored = LogContext.workRequest(id, null)) {
      LOG.infof("retried by %s as %d (%s)", caller.name(), d.id, d.status.wire());
    }
    registry.counter("kiln_work_requests_retried_total", "task_type", d.type.wire()).increment();
    repository.flush();
    workAvailable.fire(new WorkRequestService.WorkAvailable());
    return new Retried(view(d.id), List.copyOf(plan.rewired()));
  }

  // ---------------------------------------------------------------------------------------------
  // Manual unblock, completion through the API, priority

  /** Reviews a blocked work request with strategy {@code manual}: the workspace owner decides. */
  @Transactional
  public WorkRequestView unblock(long id, String action, String notes, Caller caller) {
    ManualUnblock.Action a;
    try {
      a =
          action == null
              ? ManualUnblock.Action.NONE
              : ManualUnblock.Action.valueOf(action.toUpperCase());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidField("action", "must be accept, reject or none");
    }
    Node n = lifecycle.node(id).orElseThrow(() -> ApiException.notFound("work request " + id));
    WorkRequestAccess.checkOwner(caller, n.workspace(), "review a manual unblock");
    lifecycle.lockRoots(List.of(n.root()));
    n = lifecycle.node(id).orElseThrow();
    List<Long> depIds = lifecycle.dependenciesOf(List.of(id)).getOrDefault(id, List.of());
    List<DependencyNode> deps =
        lifecycle.nodes(depIds).values().stream().map(LifecycleService::dependencyNode).toList();
    ManualUnblock.LogEntry entry =
        new ManualUnblock.LogEntry(caller.name(), Instant.now(), notes, a);
    ManualUnblock.Review review =
        ManualUnblock.review(dependencyNode(n), n.parentId() != null, deps, entry);
    lifecycle.appendUnblockLog(id, json(entry.toJson()));
    if (review.newStatus().isPresent()) {
      WorkRequestStatus next = review.newStatus().get();
      List<Changed> changed =
          lifecycle.transition(List.of(id), List.of(n.status()), next.wire(), null);
      if (next == WorkRequestStatus.ABORTED) {
        events.abortedAll(changed, caller.name());
        finished(List.of(id));
      } else {
        events.statusChangedAll(changed, n.status(), "manual unblock by " + caller.name());
        workAvailable.fire(new WorkRequestService.WorkAvailable());
      }
    }
    repository.flush();
    repository.getEntityManager().clear();
    return view(id);
  }

  /**
   * Completes a work request through the API: a wait task (not a delay) by its creator, an owner,
   * an admin or the workflow service; a server task, a workflow callback or a workflow by the
   * workflow service or an admin. Worker and signing tasks report through their agent.
   */
  @Transactional
  public WorkRequestView complete(
      long id, String result, Map<String, Object> outputData, Caller caller) {
    return complete(id, result, outputData, null, caller);
  }

  /**
   * Completes a running wait, server, callback or workflow work request; {@code attempt}, when
   * given, must be its current one (a server task's run reports with its command's attempt).
   */
  @Transactional
  public WorkRequestView complete(
      long id, String result, Map<String, Object> outputData, Integer attempt, Caller caller) {
    WorkRequestResult r;
    try {
      r = WorkRequestResult.fromWire(result == null ? "" : result);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidField("result", "must be success, failure, error or skipped");
    }
    Node n = lifecycle.node(id).orElseThrow(() -> ApiException.notFound("work request " + id));
    TaskType type = TaskType.fromWire(n.taskType()).orElseThrow();
    WorkRequestStatus status = WorkRequestStatus.fromWire(n.status());
    switch (type) {
      case WAIT -> {
        if (caller.kind() == Caller.Kind.USER) {
          WorkRequestAccess.checkRead(caller, id, n.workspace());
        } else if (caller.kind() == Caller.Kind.WORK_REQUEST) {
          throw ApiException.forbidden("a work request token cannot complete a wait task");
        }
        boolean owner =
            caller.kind() == Caller.Kind.USER
                && WorkRequestAccess.mayManagePriorities(caller, n.workspace());
        TaskTypeRules.checkWaitCompletion(
            id,
            type,
            n.taskName(),
            status,
            owner ? CreatorKind.ADMIN : WorkRequestAccess.creatorKind(caller),
            caller.name().equals(n.createdBy()));
      }
      case SERVER, INTERNAL, WORKFLOW -> {
        if (!WorkRequestAccess.isService(caller)) {
          throw ApiException.forbidden(
              "a " + type.wire() + " work request is completed by the workflow service");
        }
      }
      case WORKER, SIGNING ->
          throw ApiException.preconditionFailed(
              "work request " + id + " is a " + type.wire() + " task: its agent reports it");
    }
    lifecycle.lockRoots(List.of(n.root()));
    n = lifecycle.node(id).orElseThrow();
    if (attempt != null) {
      int current = lifecycle.attempt(id);
      if (attempt != current) {
        throw new ApiException(
            ApiException.Kind.PRECONDITION_FAILED,
            "attempt " + attempt + " of work request " + id + " is stale (current " + current + ")",
            List.of(
                new FieldError(
                    "attempt", "is " + attempt + "; work request " + id + " is at " + current)));
      }
    }
    WorkRequestStatus.fromWire(n.status()).transitionTo(WorkRequestStatus.COMPLETED);
    if (!WorkRequestStatus.RUNNING.wire().equals(n.status())) {
      throw ApiException.preconditionFailed(
          "work request " + id + " is " + n.status() + ", not running");
    }
    Map<String, Object> output = outputData == null ? Map.of() : outputData;
    List<Changed> changed = lifecycle.complete(id, List.of(n.status()), r.wire(), json(output));
    events.completedAll(changed, Map.of(id, output));
    finished(List.of(id));
    registry
        .counter(
            "kiln_work_requests_completed_total", "task_type", n.taskType(), "result", r.wire())
        .increment();
    repository.flush();
    repository.getEntityManager().clear();
    workAvailable.fire(new WorkRequestService.WorkAvailable());
    return view(id);
  }

  /** Sets {@code priority_adjustment} ({@link PriorityRules#checkAdjustment}). */
  @Transactional
  public WorkRequestView adjustPriority(long id, Integer adjustment, Caller caller) {
    if (adjustment == null) {
      throw ApiException.invalidField("priority_adjustment", "is required");
    }
    Node n = lifecycle.node(id).orElseThrow(() -> ApiException.notFound("work request " + id));
    WorkRequestAccess.checkRead(caller, id, n.workspace());
    if (caller.kind() == Caller.Kind.WORK_REQUEST) {
      throw ApiException.forbidden("a work request token cannot adjust priorities");
    }
    PriorityRules.checkAdjustment(
        adjustment,
        WorkRequestAccess.mayManagePriorities(caller, n.workspace()),
        caller.name().equals(n.createdBy()));
    if (WorkRequestStatus.fromWire(n.status()).isTerminal()) {
      throw ApiException.preconditionFailed(
          "work request " + id + " is " + n.status() + ": its priority no longer matters");
    }
    lifecycle.setPriorityAdjustment(id, adjustment);
    repository.getEntityManager().clear();
    return view(id);
  }

  // ---------------------------------------------------------------------------------------------

  private static String json(Object value) {
    try {
      return TaskJson.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise", e);
    }
  }

  private static String sha256(Object body) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(json(body).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

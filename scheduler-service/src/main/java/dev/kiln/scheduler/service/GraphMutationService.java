package dev.kiln.scheduler.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.common.auth.Caller;
import dev.kiln.common.log.LogContext;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import dev.kiln.scheduler.domain.DependencyGraph;
import dev.kiln.scheduler.domain.DependencyNode;
import dev.kiln.scheduler.domain.DependencyRules;
import dev.kiln.scheduler.domain.PriorityRules;
import dev.kiln.scheduler.domain.TaskDataRules;
import dev.kiln.scheduler.domain.TaskTypeRules;
import dev.kiln.scheduler.domain.UnblockStrategy;
import dev.kiln.scheduler.domain.WorkRequestAccess;
import dev.kiln.scheduler.domain.WorkRequestStatus;
import dev.kiln.scheduler.repository.LifecycleRepository;
import dev.kiln.scheduler.repository.LifecycleRepository.Changed;
import dev.kiln.scheduler.repository.LifecycleRepository.Node;
import dev.kiln.scheduler.repository.WorkflowGraphRepository;
import dev.kiln.scheduler.service.GraphMutationRequest.Child;
import dev.kiln.scheduler.service.GraphMutationRequest.Edge;
import dev.kiln.task.TaskJson;
import dev.kiln.task.TaskType;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Applies the workflow service's graph mutations to a root workflow (issue #6), in one transaction
 * under the root's advisory lock, with a fixed number of statements whatever the number of
 * children: ensure each child by its stable key (same key and spec: left alone; another spec: 409
 * naming {@code children[i]}), parents and edges by key (checked with {@link DependencyGraph}),
 * initial statuses by {@link DependencyRules} (sub-workflows start running), one multi-row insert,
 * one insert of the edges, the {@code created} events in one outbox statement. A repeated {@code
 * idempotency_key} answers what its first application did and changes nothing.
 */
@ApplicationScoped
public class GraphMutationService {

  private static final Logger LOG = Logger.getLogger(GraphMutationService.class);

  /** The key pattern of the wire schema. */
  static final Pattern KEY =
      Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._|:+~-]*(/[A-Za-z0-9][A-Za-z0-9._|:+~-]*)*$");

  static final String REACTION = "update-collection-with-artifacts";

  /** More than the largest workflow the issue asks for (10,000 children plus their structure). */
  static final int MAX_CHILDREN = 50_000;

  private static final ObjectMapper CANONICAL =
      TaskJson.mapper().copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  @Inject LifecycleRepository lifecycle;
  @Inject WorkflowGraphRepository graphs;
  @Inject LifecycleService service;
  @Inject WorkRequestEvents events;
  @Inject MeterRegistry registry;
  @Inject Event<WorkRequestService.WorkAvailable> workAvailable;

  /** A child the mutation creates. */
  private static final class NewChild {
    int index;
    Child spec;
    long id;
    TaskType type;
    String sha;
    Long parentId;
    boolean parentRunning;
    int parentEffective;
    WorkRequestStatus status;
    final List<String> dependsOn = new ArrayList<>();
  }

  @Transactional
  public GraphMutationRequest.Result apply(long rootId, GraphMutationRequest m, Caller caller) {
    if (!WorkRequestAccess.isService(caller)) {
      throw ApiException.forbidden("graph mutations come from the workflow service or an admin");
    }
    if (m == null) {
      throw new ApiException(ApiException.Kind.INVALID_INPUT, "a JSON body is required");
    }
    checkEnvelope(rootId, m);
    Node root =
        lifecycle.node(rootId).orElseThrow(() -> ApiException.notFound("workflow " + rootId));
    if (root.parentId() != null || !TaskType.WORKFLOW.wire().equals(root.taskType())) {
      throw ApiException.preconditionFailed(
          "work request " + rootId + " is not a root workflow: mutate its root workflow's graph");
    }
    lifecycle.lockRoots(List.of(rootId));
    String requestSha = sha256(canonical(m));
    var applied = graphs.applied(rootId, m.idempotencyKey());
    if (applied.isPresent()) {
      if (!applied.get().requestSha256().equals(requestSha)) {
        throw new ApiException(
            ApiException.Kind.CONFLICT,
            "idempotency key '" + m.idempotencyKey() + "' was applied with another mutation",
            List.of(
                new FieldError(
                    "idempotency_key", "was applied with another mutation: use a new key")));
      }
      GraphMutationRequest.Result first = read(applied.get().answerJson());
      return new GraphMutationRequest.Result(true, first.created(), first.children());
    }
    root = lifecycle.node(rootId).orElseThrow();
    if (WorkRequestStatus.fromWire(root.status()).isTerminal()) {
      throw ApiException.preconditionFailed(
          "workflow " + rootId + " is " + root.status() + ": it takes no new children");
    }
    List<Child> children = m.children() == null ? List.of() : m.children();
    List<Edge> edges = m.edges() == null ? List.of() : m.edges();

    // Keys: the children's, their parents', the edges' ends; the stored ones in one query.
    List<FieldError> errors = new ArrayList<>();
    Set<String> named = new LinkedHashSet<>();
    for (int i = 0; i < children.size(); i++) {
      Child c = children.get(i);
      if (c == null) {
        errors.add(new FieldError("children[" + i + "]", "is required"));
        continue;
      }
      checkKey(c.key(), "children[" + i + "].key", errors);
      named.add(c.key());
      if (c.parent() != null) {
        checkKey(c.parent(), "children[" + i + "].parent", errors);
        named.add(c.parent());
      }
    }
    for (int i = 0; i < edges.size(); i++) {
      Edge e = edges.get(i);
      if (e == null) {
        errors.add(new FieldError("edges[" + i + "]", "is required"));
        continue;
      }
      checkKey(e.child(), "edges[" + i + "].child", errors);
      checkKey(e.dependsOn(), "edges[" + i + "].depends_on", errors);
      named.add(e.child());
      named.add(e.dependsOn());
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    Map<String, WorkflowGraphRepository.Keyed> stored = graphs.keyed(rootId, named);

    // Children: ensure by key; the new ones are drafted, parents before their children.
    Map<String, NewChild> created = new LinkedHashMap<>();
    Map<String, Long> answer = new LinkedHashMap<>();
    List<FieldError> conflicts = new ArrayList<>();
    for (int i = 0; i < children.size(); i++) {
      Child c = children.get(i);
      String f = "children[" + i + "]";
      if (answer.containsKey(c.key())) {
        errors.add(new FieldError(f + ".key", "'" + c.key() + "' is used twice"));
        continue;
      }
      String sha = sha256(spec(c));
      WorkflowGraphRepository.Keyed s = stored.get(c.key());
      if (s != null) {
        answer.put(c.key(), s.id());
        if (!s.specSha256().equals(sha)) {
          conflicts.add(
              new FieldError(
                  f,
                  "child '"
                      + c.key()
                      + "' exists (work request "
                      + s.id()
                      + ") with another spec"));
        }
        continue;
      }
      String taskType = c.taskType() == null ? TaskType.WORKER.wire() : c.taskType();
      for (FieldError e : TaskDataRules.validate(taskType, c.taskName(), c.taskData())) {
        errors.add(new FieldError(f + "." + e.field(), e.message()));
      }
      checkReactions(c, f, errors);
      NewChild n = new NewChild();
      n.index = i;
      n.spec = c;
      n.sha = sha;
      n.type = TaskType.fromWire(taskType).orElse(null);
      created.put(c.key(), n);
      answer.put(c.key(), 0L);
    }
    if (!conflicts.isEmpty()) {
      throw new ApiException(
          ApiException.Kind.CONFLICT,
          conflicts.get(0).message() + (conflicts.size() > 1 ? " (and more)" : ""),
          conflicts);
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    if (created.size() > MAX_CHILDREN) {
      throw ApiException.invalidField(
          "children", "at most " + MAX_CHILDREN + " new children in one mutation");
    }

    // The stored work requests named: parents and edge ends (one query for their nodes).
    Set<Long> storedIds = new TreeSet<>();
    stored.values().forEach(k -> storedIds.add(k.id()));
    storedIds.add(rootId);
    Map<Long, Node> nodes = lifecycle.nodes(storedIds);
    List<Long> ids = lifecycle.reserveIds(created.size());
    int next = 0;
    for (NewChild n : created.values()) {
      n.id = ids.get(next++);
      answer.put(n.spec.key(), n.id);
    }
    for (NewChild n : created.values()) {
      String f = "children[" + n.index + "]";
      String parentKey = n.spec.parent();
      TaskType parentType;
      if (parentKey == null) {
        n.parentId = rootId;
        parentType = TaskType.WORKFLOW;
        n.parentRunning = WorkRequestStatus.RUNNING.wire().equals(root.status());
        n.parentEffective = PriorityRules.effective(root.priorityBase(), root.priorityAdjustment());
      } else if (created.containsKey(parentKey)) {
        NewChild p = created.get(parentKey);
        if (p.index > n.index) {
          errors.add(new FieldError(f + ".parent", "'" + parentKey + "' must come before it"));
          continue;
        }
        n.parentId = p.id;
        parentType = p.type;
        n.parentRunning = p.status == WorkRequestStatus.RUNNING;
        n.parentEffective = PriorityRules.childBase(p.parentEffective, 0);
      } else if (stored.containsKey(parentKey)) {
        Node p = nodes.get(stored.get(parentKey).id());
        n.parentId = p.id();
        parentType = TaskType.fromWire(p.taskType()).orElseThrow();
        if (WorkRequestStatus.fromWire(p.status()).isTerminal()) {
          errors.add(
              new FieldError(
                  f + ".parent",
                  "workflow '" + parentKey + "' is " + p.status() + ": it takes no new children"));
          continue;
        }
        n.parentRunning = WorkRequestStatus.RUNNING.wire().equals(p.status());
        n.parentEffective = PriorityRules.effective(p.priorityBase(), p.priorityAdjustment());
      } else {
        errors.add(new FieldError(f + ".parent", "names no child of workflow " + rootId));
        continue;
      }
      for (FieldError e :
          TaskTypeRules.checkCreate(
              n.type,
              n.spec.taskName(),
              WorkRequestAccess.creatorKind(caller),
              parentType,
              n.spec.workflowData())) {
        errors.add(new FieldError(f + "." + e.field(), e.message()));
      }
      // A sub-workflow runs from its creation (its children are entered through synchronization
      // points); a task waits for its dependencies, set below.
      n.status =
          n.type == TaskType.WORKFLOW && n.parentRunning
              ? WorkRequestStatus.RUNNING
              : WorkRequestStatus.BLOCKED;
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }

    // Edges: by key, the existing ones left alone, the new ones checked for cycles.
    Map<Long, List<Long>> existing =
        lifecycle.dependenciesOf(
            stored.values().stream().map(WorkflowGraphRepository.Keyed::id).toList());
    Map<Long, List<String>> storedDependents = new LinkedHashMap<>();
    Map<String, List<String>> newEdges = new LinkedHashMap<>();
    Map<String, Integer> edgeIndex = new HashMap<>();
    List<Long> from = new ArrayList<>();
    List<Long> to = new ArrayList<>();
    for (int i = 0; i < edges.size(); i++) {
      Edge e = edges.get(i);
      Long child = answer.containsKey(e.child()) ? answer.get(e.child()) : idOf(stored, e.child());
      Long dep =
          answer.containsKey(e.dependsOn())
              ? answer.get(e.dependsOn())
              : idOf(stored, e.dependsOn());
      if (child == null) {
        errors.add(
            new FieldError("edges[" + i + "].child", "names no child of workflow " + rootId));
        continue;
      }
      if (dep == null) {
        errors.add(
            new FieldError("edges[" + i + "].depends_on", "names no child of workflow " + rootId));
        continue;
      }
      if (existing.getOrDefault(child, List.of()).contains(dep)
          || newEdges.getOrDefault(e.child(), List.of()).contains(e.dependsOn())) {
        continue; // an edge that exists is left alone
      }
      newEdges.computeIfAbsent(e.child(), k -> new ArrayList<>()).add(e.dependsOn());
      edgeIndex.putIfAbsent(e.child() + "\u0000" + e.dependsOn(), i);
      from.add(child);
      to.add(dep);
      if (created.containsKey(e.child())) {
        created.get(e.child()).dependsOn.add(e.dependsOn());
      } else {
        storedDependents.computeIfAbsent(child, k -> new ArrayList<>()).add(e.dependsOn());
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    checkCycles(rootId, newEdges, edgeIndex, !storedDependents.isEmpty());

    // Initial statuses: a dependency created now is still waiting; a stored one counts as it is.
    Map<String, DependencyNode> storedDeps = new HashMap<>();
    for (Map.Entry<String, WorkflowGraphRepository.Keyed> e : stored.entrySet()) {
      storedDeps.put(e.getKey(), LifecycleService.dependencyNode(nodes.get(e.getValue().id())));
    }
    for (NewChild n : created.values()) {
      if (n.type == TaskType.WORKFLOW) {
        continue;
      }
      List<DependencyNode> deps = new ArrayList<>();
      for (String k : n.dependsOn) {
        NewChild d = created.get(k);
        deps.add(
            d != null
                ? new DependencyNode(d.id, d.status, null, false, UnblockStrategy.DEPS, false)
                : storedDeps.get(k));
      }
      n.status = DependencyRules.initialStatus(UnblockStrategy.DEPS, n.parentRunning, deps);
    }
    // A stored child that gets a dependency: back to blocked while it waits, aborted if it failed.
    List<Long> reblock = new ArrayList<>();
    List<Long> abortStored = new ArrayList<>();
    for (Map.Entry<Long, List<String>> e : storedDependents.entrySet()) {
      if (TaskType.WORKFLOW.wire().equals(nodes.get(e.getKey()).taskType())) {
        continue; // a sub-workflow runs from its creation: its dependencies gate no status
      }
      DependencyNode self = LifecycleService.dependencyNode(nodes.get(e.getKey()));
      WorkRequestStatus status = self.status();
      for (String k : e.getValue()) {
        NewChild d = created.get(k);
        DependencyNode dep =
            d != null
                ? new DependencyNode(d.id, d.status, null, false, UnblockStrategy.DEPS, false)
                : storedDeps.get(k);
        try {
          status = DependencyRules.statusAfterAdding(self.with(status, null), dep);
        } catch (ApiException ex) {
          int i = edgeIndex.get(keyOf(stored, e.getKey()) + "\u0000" + k);
          throw new ApiException(
              ex.kind(),
              ex.getMessage(),
              List.of(new FieldError("edges[" + i + "]", ex.getMessage())));
        }
      }
      if (status == WorkRequestStatus.ABORTED) {
        abortStored.add(e.getKey());
      } else if (status == WorkRequestStatus.BLOCKED
          && self.status() == WorkRequestStatus.PENDING) {
        reblock.add(e.getKey());
      }
    }

    // Writes: one insert of the children, one of the edges, one outbox statement per event set.
    List<Map<String, Object>> rows = new ArrayList<>();
    List<Long> createdAborted = new ArrayList<>();
    boolean anyPending = false;
    for (NewChild n : created.values()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", n.id);
      r.put("workspace", root.workspace());
      r.put("created_by", root.createdBy());
      r.put("status", n.status.wire());
      r.put("task_type", n.type.wire());
      r.put("task_name", n.spec.taskName());
      r.put("task_data", n.spec.taskData() == null ? Map.of() : n.spec.taskData());
      r.put("workflow_data", n.spec.workflowData() == null ? Map.of() : n.spec.workflowData());
      r.put("priority_base", PriorityRules.childBase(n.parentEffective, 0));
      r.put("unblock_strategy", UnblockStrategy.DEPS.wire());
      r.put("parent_id", n.parentId);
      r.put("root_id", rootId);
      r.put("supersedes_id", null);
      r.put("expiration_seconds", null);
      r.put("delay_until", null);
      r.put("retry_count", 0);
      r.put("workflow_key", n.spec.key());
      r.put("spec_sha256", n.sha);
      r.put("on_success", n.spec.onSuccess() == null ? List.of() : n.spec.onSuccess());
      r.put("dependencies", n.dependsOn.stream().map(answer::get).toList());
      rows.add(r);
      if (n.status == WorkRequestStatus.ABORTED) {
        createdAborted.add(n.id);
      }
      anyPending |= n.status == WorkRequestStatus.PENDING;
      registry.counter("kiln_work_requests_created_total", "task_type", n.type.wire()).increment();
    }
    if (!rows.isEmpty()) {
      lifecycle.insertAll(json(rows));
    }
    lifecycle.insertEdges(from, to);
    events.createdAll(rows);
    List<Changed> reblocked =
        lifecycle.transition(
            reblock,
            List.of(WorkRequestStatus.PENDING.wire()),
            WorkRequestStatus.PENDING.transitionTo(WorkRequestStatus.BLOCKED).wire(),
            null);
    events.statusChangedAll(reblocked, WorkRequestStatus.PENDING.wire(), "dependency added");
    List<Changed> aborted =
        lifecycle.transition(
            abortStored,
            List.of(WorkRequestStatus.BLOCKED.wire(), WorkRequestStatus.PENDING.wire()),
            WorkRequestStatus.ABORTED.wire(),
            null);
    events.abortedAll(aborted, "dependency-failed");
    GraphMutationRequest.Result result =
        new GraphMutationRequest.Result(false, created.size(), answer);
    graphs.recordApplied(rootId, m.idempotencyKey(), requestSha, json(result), caller.name());
    // What ended now propagates; workflows left without open children (an empty populate, a
    // sub-workflow with no children) complete.
    List<Long> ended = new ArrayList<>(createdAborted);
    aborted.forEach(c -> ended.add(c.id()));
    Set<Long> workflows = new TreeSet<>();
    workflows.add(rootId);
    for (NewChild n : created.values()) {
      if (n.type == TaskType.WORKFLOW) {
        workflows.add(n.id);
      }
    }
    service.finishedOrEmpty(ended, workflows);
    try (LogContext ignored = LogContext.workRequest(rootId, null)) {
      LOG.infof(
          "graph mutation %s by %s: %d children created, %d edges added",
          m.idempotencyKey(), caller.name(), created.size(), from.size());
    }
    if (anyPending || !reblocked.isEmpty()) {
      workAvailable.fire(new WorkRequestService.WorkAvailable());
    }
    return result;
  }

  private static void checkEnvelope(long rootId, GraphMutationRequest m) {
    List<FieldError> errors = new ArrayList<>();
    if (m.workflowId() == null) {
      errors.add(new FieldError("workflow_id", "is required"));
    } else if (m.workflowId() != rootId) {
      errors.add(new FieldError("workflow_id", "must be the workflow of the path, " + rootId));
    }
    if (m.trigger() == null
        || !(m.trigger().equals("populate") || m.trigger().startsWith("callback:"))
        || m.trigger().equals("callback:")) {
      errors.add(new FieldError("trigger", "must be populate or callback:<key>"));
    }
    if (m.idempotencyKey() == null || m.idempotencyKey().isBlank()) {
      errors.add(new FieldError("idempotency_key", "is required"));
    } else if (m.idempotencyKey().length() > 1000) {
      errors.add(new FieldError("idempotency_key", "must be at most 1000 characters"));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
  }

  private static void checkKey(String key, String field, List<FieldError> errors) {
    if (key == null || key.isBlank()) {
      errors.add(new FieldError(field, "is required"));
    } else if (key.length() > 1000 || !KEY.matcher(key).matches()) {
      errors.add(new FieldError(field, "'" + key + "' is not a child key (" + KEY.pattern() + ")"));
    }
  }

  private static void checkReactions(Child c, String field, List<FieldError> errors) {
    if (c.onSuccess() == null) {
      return;
    }
    for (int j = 0; j < c.onSuccess().size(); j++) {
      Map<String, Object> r = c.onSuccess().get(j);
      String f = field + ".on_success[" + j + "]";
      if (r == null || !REACTION.equals(r.get("action"))) {
        errors.add(new FieldError(f + ".action", "must be " + REACTION));
      } else if (!(r.get("collection") instanceof String s) || s.isEmpty()) {
        errors.add(new FieldError(f + ".collection", "is required (a collection lookup)"));
      }
    }
  }

  /** Cycles through the new edges, with the stored ones when a stored child gets a dependency. */
  private void checkCycles(
      long rootId,
      Map<String, List<String>> newEdges,
      Map<String, Integer> edgeIndex,
      boolean withStored) {
    if (newEdges.isEmpty()) {
      return;
    }
    Map<String, List<String>> all = new LinkedHashMap<>();
    if (withStored) {
      graphs.edgesByKey(rootId).forEach((k, v) -> all.put(k, new ArrayList<>(v)));
    }
    newEdges.forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    Map<String, Long> rootOf = new HashMap<>();
    all.forEach(
        (k, v) -> {
          rootOf.put(k, rootId);
          v.forEach(d -> rootOf.put(d, rootId));
        });
    List<DependencyGraph.Error<String>> problems = DependencyGraph.validate(rootOf, all);
    if (problems.isEmpty()) {
      return;
    }
    List<FieldError> fields = new ArrayList<>();
    for (DependencyGraph.Error<String> p : problems) {
      fields.add(new FieldError(edgeField(p.keys(), newEdges, edgeIndex), p.message()));
    }
    throw new ApiException(
        ApiException.Kind.INVALID_INPUT,
        problems.get(0).message() + (problems.size() > 1 ? " (and more)" : ""),
        fields);
  }

  /** The first new edge among the keys of a problem. */
  private static String edgeField(
      List<String> keys, Map<String, List<String>> newEdges, Map<String, Integer> edgeIndex) {
    Set<String> in = new HashSet<>(keys);
    int best = Integer.MAX_VALUE;
    for (String k : keys) {
      for (String d : newEdges.getOrDefault(k, List.of())) {
        if (in.contains(d) || keys.size() == 1) {
          best = Math.min(best, edgeIndex.get(k + "\u0000" + d));
        }
      }
    }
    return best == Integer.MAX_VALUE ? "edges" : "edges[" + best + "]";
  }

  private static Long idOf(Map<String, WorkflowGraphRepository.Keyed> stored, String key) {
    WorkflowGraphRepository.Keyed k = stored.get(key);
    return k == null ? null : k.id();
  }

  private static String keyOf(Map<String, WorkflowGraphRepository.Keyed> stored, long id) {
    for (Map.Entry<String, WorkflowGraphRepository.Keyed> e : stored.entrySet()) {
      if (e.getValue().id() == id) {
        return e.getKey();
      }
    }
    return "#" + id;
  }

  /** What makes a child's identity: a stored child with the same key must have the same. */
  private static Map<String, Object> spec(Child c) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("parent", c.parent());
    s.put("task_type", c.taskType() == null ? TaskType.WORKER.wire() : c.taskType());
    s.put("task_name", c.taskName());
    s.put("task_data", c.taskData() == null ? Map.of() : c.taskData());
    s.put("workflow_data", c.workflowData() == null ? Map.of() : c.workflowData());
    s.put("on_success", c.onSuccess() == null ? List.of() : c.onSuccess());
    return s;
  }

  private static Map<String, Object> canonical(GraphMutationRequest m) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("workflow_id", m.workflowId());
    s.put("trigger", m.trigger());
    s.put("idempotency_key", m.idempotencyKey());
    List<Object> children = new ArrayList<>();
    if (m.children() != null) {
      for (Child c : m.children()) {
        Map<String, Object> x = spec(c);
        x.put("key", c.key());
        children.add(x);
      }
    }
    s.put("children", children);
    s.put("edges", m.edges() == null ? List.of() : m.edges());
    s.put("promises", m.promises() == null ? List.of() : m.promises());
    s.put("bare_items", m.bareItems() == null ? List.of() : m.bareItems());
    return s;
  }

  private static String sha256(Object value) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(
              md.digest(CANONICAL.writeValueAsString(value).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException("cannot hash", e);
    }
  }

  private static String json(Object value) {
    try {
      return TaskJson.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise", e);
    }
  }

  private static GraphMutationRequest.Result read(String json) {
    try {
      return TaskJson.mapper().readValue(json, GraphMutationRequest.Result.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored mutation answer is not JSON", e);
    }
  }
}

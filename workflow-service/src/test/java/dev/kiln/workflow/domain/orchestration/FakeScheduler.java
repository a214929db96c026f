package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory scheduler and graph store for one root workflow: it applies {@link GraphMutation}s
 * as the contract says (idempotency key, ensure-child by key, all or nothing), moves children with
 * {@link WorkflowRules}, completes synchronization points, runs callbacks through the {@link
 * Orchestration}, fulfils promises on success, and aborts and retries. Tests drive worker tasks
 * with {@link #complete}.
 */
public final class FakeScheduler {

  /** One work request. */
  static final class Wr {
    final long id;
    final ChildSpec spec;
    final Set<String> deps;
    ChildStatus status;
    ChildResult result;

    Wr(long id, ChildSpec spec, Set<String> deps, ChildStatus status) {
      this.id = id;
      this.spec = spec;
      this.deps = deps;
      this.status = status;
    }

    ChildState state() {
      return new ChildState(spec, id, deps, status, result);
    }
  }

  /**
   * What applying a mutation did.
   *
   * @param created children created
   * @param duplicate whether its idempotency key had been applied before
   */
  public record Applied(int created, boolean duplicate) {}

  private final Orchestration orchestration;
  private final long rootId;
  private final String taskName;
  private final ObjectNode taskData;
  private final Map<String, Wr> current = new LinkedHashMap<>();
  private final List<Wr> superseded = new ArrayList<>();
  private final Map<String, InternalItem> internal = new LinkedHashMap<>();
  private final Map<String, InternalItem> resolved = new HashMap<>();
  private final Set<String> appliedKeys = new HashSet<>();
  private final List<GraphMutation> mutations = new ArrayList<>();
  private ChildStatus rootStatus = ChildStatus.PENDING;
  private ChildResult rootResult;
  private long nextId;
  private long nextArtifact = 5000;

  /** A scheduler holding one root workflow. */
  public FakeScheduler(
      Orchestration orchestration, long rootId, String taskName, ObjectNode taskData) {
    this.orchestration = orchestration;
    this.rootId = rootId;
    this.taskName = taskName;
    this.taskData = taskData;
    this.nextId = rootId + 1;
  }

  /** Lets lookups of the workflow's task data resolve to this artifact (what the service does). */
  public FakeScheduler artifact(String lookup, String category, ObjectNode data) {
    resolved.put(lookup, new InternalItem(lookup, category, null, nextArtifact++, data));
    return this;
  }

  /** The view the orchestrator sees now. */
  public WorkflowView view() {
    List<ChildState> states = new ArrayList<>(current.size());
    current.values().forEach(w -> states.add(w.state()));
    return WorkflowView.of(rootId, taskName, taskData, states, internal.values(), resolved);
  }

  /** The root becomes running and is populated. */
  public GraphMutation start() {
    rootStatus = ChildStatus.RUNNING;
    GraphMutation m = orchestration.populate(view());
    apply(m);
    settle();
    return m;
  }

  /** Applies a mutation as the scheduler's contract says. */
  public Applied apply(GraphMutation m) {
    if (!appliedKeys.add(m.idempotencyKey())) {
      return new Applied(0, true);
    }
    // Check everything before changing anything: all or nothing.
    Set<String> known = new HashSet<>(current.keySet());
    List<ChildSpec> toCreate = new ArrayList<>();
    for (ChildSpec c : m.children()) {
      Wr existing = current.get(c.key());
      if (existing == null) {
        if (!known.add(c.key())) {
          appliedKeys.remove(m.idempotencyKey());
          throw new IllegalStateException("key twice in one mutation: " + c.key());
        }
        if (c.parent() != null && !known.contains(c.parent())) {
          appliedKeys.remove(m.idempotencyKey());
          throw new IllegalStateException(c.key() + ": unknown parent " + c.parent());
        }
        toCreate.add(c);
      } else if (!existing.spec.equals(c)) {
        appliedKeys.remove(m.idempotencyKey());
        throw new IllegalStateException("conflicting spec for " + c.key());
      }
    }
    for (Edge e : m.edges()) {
      if (!known.contains(e.child()) || !known.contains(e.dependsOn())) {
        appliedKeys.remove(m.idempotencyKey());
        throw new IllegalStateException("edge to an unknown child: " + e);
      }
    }
    for (ChildSpec c : toCreate) {
      ChildStatus status = c.isWorkflow() ? ChildStatus.RUNNING : ChildStatus.BLOCKED;
      current.put(c.key(), new Wr(nextId++, c, new LinkedHashSet<>(), status));
    }
    for (Edge e : m.edges()) {
      current.get(e.child()).deps.add(e.dependsOn());
    }
    for (PromiseSpec p : m.promises()) {
      internal.putIfAbsent(
          p.name(), new InternalItem(p.name(), p.category(), p.producer(), null, p.data()));
    }
    for (BareItemSpec b : m.bareItems()) {
      internal.put(b.name(), new InternalItem(b.name(), b.category(), null, null, b.data()));
    }
    mutations.add(m);
    return new Applied(toCreate.size(), false);
  }

  /** Moves the graph as far as it goes without workers. */
  public void settle() {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Wr w : List.copyOf(current.values())) {
        if (w.status == ChildStatus.BLOCKED) {
          List<ChildState> deps = new ArrayList<>(w.deps.size());
          for (String d : w.deps) {
            deps.add(current.get(d).state());
          }
          switch (WorkflowRules.gate(deps)) {
            case UNBLOCK -> {
              w.status = ChildStatus.PENDING;
              changed = true;
            }
            case ABORT -> {
              w.status = ChildStatus.ABORTED;
              changed = true;
            }
            case WAIT -> {}
          }
        }
        if (w.status == ChildStatus.PENDING && w.spec.isSynchronizationPoint()) {
          finish(w, ChildResult.SUCCESS);
          changed = true;
        } else if (w.status == ChildStatus.PENDING && w.spec.isCallback()) {
          w.status = ChildStatus.RUNNING;
          apply(orchestration.callback(view(), w.spec.key()));
          finish(w, ChildResult.SUCCESS);
          changed = true;
        }
      }
      changed |= endWorkflows();
    }
  }

  /** Ends every running (sub-)workflow whose children all ended, innermost first. */
  private boolean endWorkflows() {
    Map<String, List<ChildState>> byParent = new HashMap<>();
    for (Wr w : current.values()) {
      byParent.computeIfAbsent(w.spec.parent(), k -> new ArrayList<>()).add(w.state());
    }
    boolean changed = false;
    List<Wr> workflows =
        current.values().stream()
            .filter(w -> w.spec.isWorkflow() && w.status == ChildStatus.RUNNING)
            .sorted(Comparator.comparingInt((Wr w) -> w.spec.key().length()).reversed())
            .toList();
    for (Wr w : workflows) {
      var end = WorkflowRules.completion(byParent.getOrDefault(w.spec.key(), List.of()));
      if (end.isPresent()) {
        setEnd(w, end.get());
        changed = true;
        byParent.clear();
        for (Wr x : current.values()) {
          byParent.computeIfAbsent(x.spec.parent(), k -> new ArrayList<>()).add(x.state());
        }
      }
    }
    if (rootStatus == ChildStatus.RUNNING) {
      var end = WorkflowRules.completion(byParent.getOrDefault(null, List.of()));
      if (end.isPresent()) {
        rootStatus =
            end.get() == WorkflowRules.End.ABORTED ? ChildStatus.ABORTED : ChildStatus.COMPLETED;
        rootResult =
            switch (end.get()) {
              case SUCCESS -> ChildResult.SUCCESS;
              case FAILURE -> ChildResult.FAILURE;
              case ABORTED -> null;
            };
        changed = true;
      }
    }
    return changed;
  }

  private static void setEnd(Wr w, WorkflowRules.End end) {
    switch (end) {
      case SUCCESS -> {
        w.status = ChildStatus.COMPLETED;
        w.result = ChildResult.SUCCESS;
      }
      case FAILURE -> {
        w.status = ChildStatus.COMPLETED;
        w.result = ChildResult.FAILURE;
      }
      case ABORTED -> w.status = ChildStatus.ABORTED;
    }
  }

  private void finish(Wr w, ChildResult result) {
    w.status = ChildStatus.COMPLETED;
    w.result = result;
    if (!result.isSuccessful()) {
      return;
    }
    for (EventReaction r : w.spec.onSuccess()) {
      if (EventReaction.INTERNAL_COLLECTION.equals(r.collection())) {
        String name = r.nameTemplate();
        InternalItem promise = internal.get(name);
        internal.put(
            name,
            new InternalItem(
                name,
                r.artifactFilters().get("category"),
                null,
                nextArtifact++,
                promise == null ? taskData.objectNode() : promise.data()));
      }
    }
  }

  /** A task ran and reported (it must be pending or running). */
  public void complete(String key, ChildResult result) {
    Wr w = require(key);
    if (w.status != ChildStatus.PENDING && w.status != ChildStatus.RUNNING) {
      throw new IllegalStateException(key + " is " + w.status);
    }
    finish(w, result);
    settle();
  }

  /** Completes every pending task (worker, signing, server, wait) with this result, repeatedly. */
  public int runAll(ChildResult result) {
    int n = 0;
    for (List<String> ready = pendingTasks(); !ready.isEmpty(); ready = pendingTasks()) {
      for (String k : ready) {
        finish(require(k), result);
        n++;
      }
      settle();
    }
    return n;
  }

  /** The keys of pending tasks a worker or a person would pick up. */
  public List<String> pendingTasks() {
    return current.values().stream()
        .filter(w -> w.status == ChildStatus.PENDING && w.spec.type() != TaskType.INTERNAL)
        .map(w -> w.spec.key())
        .toList();
  }

  /** Aborts the root workflow: every unfinished descendant is aborted. */
  public void abort() {
    List<ChildState> states = current.values().stream().map(Wr::state).toList();
    for (String key : WorkflowRules.abortCascade(null, states)) {
      current.get(key).status = ChildStatus.ABORTED;
    }
    rootStatus = ChildStatus.ABORTED;
    rootResult = null;
    settle();
  }

  /** Aborts one child (and, for a sub-workflow, its unfinished descendants). */
  public void abortChild(String key) {
    List<ChildState> states = current.values().stream().map(Wr::state).toList();
    for (String k : WorkflowRules.abortCascade(key, states)) {
      current.get(k).status = ChildStatus.ABORTED;
    }
    require(key).status = ChildStatus.ABORTED;
    settle();
  }

  /** Retries the root workflow: re-orchestrates, reopens, retries failed children. */
  public WorkflowRules.RetryPlan retry() {
    List<ChildState> states = current.values().stream().map(Wr::state).toList();
    WorkflowRules.RetryPlan plan = WorkflowRules.retryPlan(null, rootStatus, rootResult, states);
    rootStatus = ChildStatus.RUNNING;
    rootResult = null;
    for (String key : plan.reopen()) {
      Wr w = current.get(key);
      w.status = ChildStatus.RUNNING;
      w.result = null;
    }
    for (String key : plan.retry()) {
      Wr old = current.get(key);
      superseded.add(old);
      current.put(key, new Wr(nextId++, old.spec, old.deps, ChildStatus.BLOCKED));
    }
    apply(orchestration.populate(view()));
    settle();
    return plan;
  }

  private Wr require(String key) {
    Wr w = current.get(key);
    if (w == null) {
      throw new IllegalArgumentException("no child " + key);
    }
    return w;
  }

  /** The child behind a key. */
  public ChildState child(String key) {
    return require(key).state();
  }

  /** Every child, by key. */
  public Map<String, ChildState> children() {
    Map<String, ChildState> out = new LinkedHashMap<>();
    current.forEach((k, w) -> out.put(k, w.state()));
    return out;
  }

  /** The internal collection. */
  public Map<String, InternalItem> internalCollection() {
    return Map.copyOf(internal);
  }

  /** The root's status. */
  public ChildStatus rootStatus() {
    return rootStatus;
  }

  /** The root's result. */
  public ChildResult rootResult() {
    return rootResult;
  }

  /** The work requests a retry superseded. */
  public int supersededCount() {
    return superseded.size();
  }

  /** The mutations applied (duplicates not counted). */
  public List<GraphMutation> mutations() {
    return List.copyOf(mutations);
  }
}

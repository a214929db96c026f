package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskData;
import dev.kiln.task.TaskDefinition;
import dev.kiln.task.TaskJson;
import dev.kiln.task.TaskType;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.model.EmptyTaskData;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.internal.SynchronizationPointTask;
import dev.kiln.task.server.internal.WorkflowCallbackTask;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where an orchestrator lays out one workflow (the root, or a sub-workflow run inline): children
 * with stable keys, their dependencies, promises ({@code provides}) and requirements ({@code
 * requires}), callbacks, synchronization points and sub-workflows. Keys given here are local to the
 * workflow; a sub-workflow's children get keys {@code <sub-workflow key>/<local key>}.
 *
 * <p>A sub-workflow is entered and left through two synchronization points, {@code <key>/entry} and
 * {@code <key>/exit}: what the sub-workflow depends on, its entry depends on; every child of the
 * sub-workflow that depends on no sibling depends on the entry; the exit depends on every child no
 * sibling depends on; and what depends on the sub-workflow depends on its exit.
 *
 * @param <D> the workflow's task data record
 */
public final class Layout<D extends TaskData> {

  private static final Pattern LOCAL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._|:+~-]*");

  private final Plan plan;
  private final String scope;
  private final D data;

  Layout(Plan plan, String scope, D data) {
    this.plan = plan;
    this.scope = scope;
    this.data = Objects.requireNonNull(data, "data");
  }

  /** This workflow's task data. */
  public D data() {
    return data;
  }

  /** The root workflow as it stands. */
  public WorkflowView view() {
    return plan.view;
  }

  /** The key of this workflow: null for the root, else the sub-workflow's key. */
  public String scope() {
    return scope;
  }

  /** The full key of a local key of this workflow. */
  public String key(String local) {
    if (!LOCAL_KEY.matcher(local).matches()) {
      throw new IllegalArgumentException("not a child key: '" + local + "'");
    }
    return scope == null ? local : scope + "/" + local;
  }

  /** The existing child with this local key, if any. */
  public Optional<ChildState> existing(String local) {
    return plan.view.child(key(local));
  }

  /** Lays out a child running the task {@code definition} with {@code taskData}. */
  public <T extends TaskData> Child child(String local, TaskDefinition<T> definition, T taskData) {
    if (definition.type() == TaskType.WORKFLOW) {
      throw new IllegalArgumentException("use subWorkflow() for " + definition.id());
    }
    return new Child(plan, add(local, definition, taskData));
  }

  /** Lays out an {@code internal/synchronization_point}. */
  public Child syncPoint(String local) {
    return child(local, SynchronizationPointTask.DEFINITION, new EmptyTaskData());
  }

  /**
   * Lays out an {@code internal/workflow} callback: when it becomes pending, this workflow's
   * orchestrator runs {@link Orchestrator#callback} for {@code step}.
   */
  public Child callback(String local, String step) {
    Child c = child(local, WorkflowCallbackTask.DEFINITION, new EmptyTaskData());
    c.draft.workflowData = c.draft.workflowData.withStep(Objects.requireNonNull(step, "step"));
    return c;
  }

  /**
   * Lays out a sub-workflow and runs its orchestrator inline (same mutation), between its entry and
   * exit synchronization points.
   */
  public <T extends TaskData> Child subWorkflow(
      String local, DbTaskDefinition<T> definition, T taskData) {
    if (definition.type() != TaskType.WORKFLOW) {
      throw new IllegalArgumentException(definition.id() + " is not a workflow");
    }
    Orchestrator<T> orchestrator = plan.orchestration.orchestratorFor(definition);
    Plan.Draft container = add(local, definition, taskData);
    String key = container.key;
    Layout<T> inner = new Layout<>(plan, key, taskData);
    Child entry = inner.syncPoint("entry");
    entry.draft.workflowData = WorkflowData.empty().withDisplayName("Enter " + local);
    orchestrator.populate(inner);
    Child exit = inner.syncPoint("exit");
    exit.draft.workflowData = WorkflowData.empty().withDisplayName("Leave " + local);
    wire(key + "/", entry.key(), exit.key());
    return new Child(plan, container, entry.key(), exit.key());
  }

  /** The step (and local key) of the callback that populates a deferred sub-workflow. */
  public static final String POPULATE_STEP = "populate";

  /**
   * Lays out a sub-workflow whose children are laid out only once the artifacts it reads exist
   * (Debusine's sub-workflow blocked by {@code requires_artifact} and orchestrated when it becomes
   * pending): between its entry and exit, an invisible callback {@code <key>/populate} (step
   * {@value #POPULATE_STEP}) that requires {@code lookups}; when it runs, the sub-workflow's
   * orchestrator populates it then, on the artifacts as they are, and its children are wired
   * between the callback and the exit in the same mutation. The layout is the same whether or not
   * the lookups are promises still, so re-population lays out the same keys.
   */
  public <T extends TaskData> Child subWorkflowWhenReady(
      String local, DbTaskDefinition<T> definition, T taskData, String... lookups) {
    if (definition.type() != TaskType.WORKFLOW) {
      throw new IllegalArgumentException(definition.id() + " is not a workflow");
    }
    plan.orchestration.orchestratorFor(definition);
    Plan.Draft container = add(local, definition, taskData);
    String key = container.key;
    Layout<T> inner = new Layout<>(plan, key, taskData);
    Child entry = inner.syncPoint("entry");
    entry.draft.workflowData = WorkflowData.empty().withDisplayName("Enter " + local);
    Child populate =
        inner.callback(POPULATE_STEP, POPULATE_STEP).displayName("Populate " + local).invisible();
    for (String lookup : lookups) {
      populate.requires(lookup);
    }
    Child exit = inner.syncPoint("exit");
    exit.draft.workflowData = WorkflowData.empty().withDisplayName("Leave " + local);
    wire(key + "/", entry.key(), exit.key());
    return new Child(plan, container, entry.key(), exit.key());
  }

  /**
   * Populates a sub-workflow laid out by {@link #subWorkflowWhenReady}, from its populate callback:
   * its children after the callback, its exit after them.
   */
  static <T extends TaskData> void populateDeferred(Orchestrator<T> orchestrator, Layout<T> inner) {
    orchestrator.populate(inner);
    inner.wire(inner.scope + "/", inner.key(POPULATE_STEP), inner.key("exit"));
  }

  /** Entry before every member without a sibling dependency; exit after every member left open. */
  private void wire(String prefix, String entryKey, String exitKey) {
    Set<String> members = new HashSet<>();
    List<String> ordered = new ArrayList<>();
    for (Plan.Draft d : plan.drafts.values()) {
      if (d.key.startsWith(prefix)
          && !d.key.equals(entryKey)
          && !d.key.equals(exitKey)
          && !TaskType.WORKFLOW.wire().equals(d.taskType)) {
        members.add(d.key);
        ordered.add(d.key);
      }
    }
    Set<String> hasSiblingDependency = new HashSet<>();
    Set<String> hasSiblingDependent = new HashSet<>();
    for (Edge e : plan.edges) {
      if (members.contains(e.child()) && members.contains(e.dependsOn())) {
        hasSiblingDependency.add(e.child());
        hasSiblingDependent.add(e.dependsOn());
      }
    }
    for (String m : ordered) {
      if (!hasSiblingDependency.contains(m)) {
        plan.edges.add(new Edge(m, entryKey));
      }
    }
    for (String m : ordered) {
      if (!hasSiblingDependent.contains(m)) {
        plan.edges.add(new Edge(exitKey, m));
      }
    }
    if (ordered.isEmpty()) {
      plan.edges.add(new Edge(exitKey, entryKey));
    }
  }

  private <T extends TaskData> Plan.Draft add(
      String local, TaskDefinition<T> definition, T taskData) {
    ObjectNode json = definition.toJson(taskData);
    return plan.add(
        new Plan.Draft(key(local), scope, definition.type().wire(), definition.name(), json));
  }

  /**
   * What a single lookup refers to, if known here: a promise laid out in this orchestration, an
   * item of the internal collection, or a lookup the service resolved.
   */
  public Optional<InternalItem> resolve(String lookup) {
    return plan.resolve(lookup);
  }

  /** Each element of a multiple lookup with what it refers to, if known. */
  public List<Resolved> resolveAll(LookupMultiple lookups) {
    List<Resolved> out = new ArrayList<>();
    JsonNode json = lookups.json();
    if (json.isArray()) {
      for (JsonNode element : json) {
        out.add(
            new Resolved(
                element, element.isTextual() ? resolve(element.asText()) : resolveOther(element)));
      }
    } else {
      out.add(new Resolved(json, Optional.empty()));
    }
    return out;
  }

  private Optional<InternalItem> resolveOther(JsonNode element) {
    return plan.view.resolve(element.toString());
  }

  /** Writes runtime data to the internal collection (replacing an item of the same name). */
  public void bareItem(String name, String category, ObjectNode itemData) {
    plan.bareItems.put(name, new BareItemSpec(name, category, itemData));
  }

  /**
   * One element of a multiple lookup.
   *
   * @param lookup the element
   * @param item what it refers to, if known
   */
  public record Resolved(JsonNode lookup, Optional<InternalItem> item) {

    /** The architecture in the item's data, if known. */
    public Optional<String> architecture() {
      return item.map(InternalItem::architecture);
    }
  }

  /** A child being laid out; its setters return it for chaining. */
  public static final class Child {
    private final Plan plan;
    private final Plan.Draft draft;
    private final String in;
    private final String out;

    Child(Plan plan, Plan.Draft draft) {
      this(plan, draft, draft.key, draft.key);
    }

    Child(Plan plan, Plan.Draft draft, String in, String out) {
      this.plan = plan;
      this.draft = draft;
      this.in = in;
      this.out = out;
    }

    /** Its full key. */
    public String key() {
      return draft.key;
    }

    /** Sets {@code workflow_data.display_name}. */
    public Child displayName(String name) {
      draft.workflowData = draft.workflowData.withDisplayName(name);
      return this;
    }

    /** Sets {@code workflow_data.step}. */
    public Child step(String step) {
      draft.workflowData = draft.workflowData.withStep(step);
      return this;
    }

    /** Sets {@code workflow_data.group}. */
    public Child group(String group) {
      draft.workflowData = draft.workflowData.withGroup(group);
      return this;
    }

    /** Sets {@code workflow_data.allow_failure}. */
    public Child allowFailure(boolean allow) {
      draft.workflowData = draft.workflowData.withAllowFailure(allow);
      return this;
    }

    /** Sets {@code workflow_data.needs_input}. */
    public Child needsInput(boolean needs) {
      draft.workflowData = draft.workflowData.withNeedsInput(needs);
      return this;
    }

    /** Hides it from the graph ({@code visible: false}). */
    public Child invisible() {
      draft.workflowData = draft.workflowData.withVisible(false);
      return this;
    }

    /** Makes it wait for other children (a sub-workflow: for its exit). */
    public Child dependsOn(Child... others) {
      for (Child o : others) {
        plan.edges.add(new Edge(in, o.out));
      }
      return this;
    }

    /** Makes it wait for the child with this full key. */
    public Child dependsOnKey(String fullKey) {
      plan.edges.add(new Edge(in, fullKey));
      return this;
    }

    /**
     * Debusine's {@code requires_artifact}: for a lookup of the internal collection, waits for the
     * producer if the item is still a promise.
     *
     * @throws OrchestrationException when the internal collection has no such item
     */
    public Child requires(String lookup) {
      if (!lookup.startsWith(WorkflowView.INTERNAL_PREFIX)) {
        return this;
      }
      InternalItem item =
          plan.resolve(lookup)
              .orElseThrow(
                  () ->
                      new OrchestrationException(
                          draft.key + " requires " + lookup + ", which is not in the collection"));
      if (item.isPromise()) {
        plan.edges.add(new Edge(in, item.producer()));
      }
      return this;
    }

    /** {@link #requires(String)} for a single lookup. */
    public Child requires(LookupSingle lookup) {
      if (lookup != null && lookup.json().isTextual()) {
        requires(lookup.json().asText());
      }
      return this;
    }

    /** {@link #requires(String)} for each string element of a multiple lookup. */
    public Child requires(LookupMultiple lookups) {
      if (lookups != null && lookups.json().isArray()) {
        for (JsonNode e : lookups.json()) {
          if (e.isTextual()) {
            requires(e.asText());
          }
        }
      }
      return this;
    }

    /**
     * Debusine's {@code provides_artifact}: promises an artifact named {@code name} in the internal
     * collection, replaced by the real one when this child succeeds.
     */
    public Child provides(String name, String category, Map<String, ?> promiseData) {
      ObjectNode d = TaskJson.mapper().createObjectNode();
      if (promiseData != null) {
        promiseData.forEach((k, v) -> d.set(k, TaskJson.toTree(v)));
      }
      plan.promise(new PromiseSpec(name, draft.key, category, d));
      draft.onSuccess.add(
          EventReaction.updateCollection(EventReaction.INTERNAL_COLLECTION, name, null, category));
      return this;
    }

    /** Adds an event reaction run when it succeeds. */
    public Child onSuccess(EventReaction reaction) {
      draft.onSuccess.add(Objects.requireNonNull(reaction));
      return this;
    }
  }
}

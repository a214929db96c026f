package dev.kiln.workflow.domain.orchestration;

import dev.kiln.task.TaskData;
import dev.kiln.task.TaskDataException;
import dev.kiln.task.TaskRegistry;
import dev.kiln.task.TaskType;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs orchestrators over a {@link WorkflowView} and returns the {@link GraphMutation} that brings
 * the graph to what they lay out: only what is new (children, edges, promises, runtime data), so
 * re-running {@link #populate} on the graph it produced yields an empty mutation. Every new child's
 * task data is checked against its schema in the registry.
 */
public final class Orchestration {

  /** The trigger of a population. */
  public static final String POPULATE = "populate";

  private final TaskRegistry registry;
  private final Map<String, Orchestrator<?>> orchestrators = new LinkedHashMap<>();

  /**
   * @param registry the tasks children may run (workflows included)
   * @param orchestrators one per workflow name
   */
  public Orchestration(TaskRegistry registry, Collection<? extends Orchestrator<?>> orchestrators) {
    this.registry = Objects.requireNonNull(registry, "registry");
    for (Orchestrator<?> o : orchestrators) {
      DbTaskDefinition<?> d = o.definition();
      if (d.type() != TaskType.WORKFLOW) {
        throw new IllegalArgumentException(d.id() + " is not a workflow");
      }
      if (registry.find(TaskType.WORKFLOW, d.name()).isEmpty()) {
        throw new IllegalArgumentException(d.id() + " is not in the task registry");
      }
      if (this.orchestrators.putIfAbsent(d.name(), o) != null) {
        throw new IllegalArgumentException("two orchestrators for " + d.id());
      }
    }
  }

  /** The orchestrator of a workflow name. */
  public Optional<Orchestrator<?>> orchestrator(String taskName) {
    return Optional.ofNullable(orchestrators.get(taskName));
  }

  /** The names of the workflows it orchestrates. */
  public Collection<String> workflowNames() {
    return orchestrators.keySet();
  }

  /**
   * Populates the root workflow (and, inline, its sub-workflows).
   *
   * @throws OrchestrationException when the layout cannot be made
   */
  public GraphMutation populate(WorkflowView view) {
    Orchestrator<?> o = require(view.taskName());
    Plan plan = new Plan(view, this);
    populate(o, plan, view);
    return plan.finish(POPULATE, registry);
  }

  private <D extends TaskData> void populate(Orchestrator<D> o, Plan plan, WorkflowView view) {
    o.populate(new Layout<>(plan, null, parse(o, view.taskData())));
  }

  /**
   * Runs the callback of the {@code internal/workflow} child {@code callbackKey}: the orchestrator
   * of the workflow it belongs to, for its step; the callback {@code <key>/populate} of a
   * sub-workflow laid out by {@link Layout#subWorkflowWhenReady} populates that sub-workflow.
   *
   * @throws OrchestrationException for an unknown callback or step
   */
  public GraphMutation callback(WorkflowView view, String callbackKey) {
    ChildState callback =
        view.child(callbackKey)
            .filter(c -> c.spec().isCallback())
            .orElseThrow(() -> new OrchestrationException("no callback '" + callbackKey + "'"));
    String step = callback.spec().workflowData().step();
    if (step == null) {
      throw new OrchestrationException(callbackKey + " has no step");
    }
    String parent = callback.parent();
    Plan plan = new Plan(view, this);
    if (parent == null) {
      callback(require(view.taskName()), plan, null, view.taskData(), step);
    } else {
      ChildSpec workflow = view.child(parent).map(ChildState::spec).orElseThrow();
      if (Layout.POPULATE_STEP.equals(step)
          && callbackKey.equals(parent + "/" + Layout.POPULATE_STEP)) {
        populateDeferred(require(workflow.taskName()), plan, parent, workflow.taskData());
      } else {
        callback(require(workflow.taskName()), plan, parent, workflow.taskData(), step);
      }
    }
    return plan.finish("callback:" + callbackKey, registry);
  }

  private <D extends TaskData> void callback(
      Orchestrator<D> o,
      Plan plan,
      String scope,
      com.fasterxml.jackson.databind.node.ObjectNode data,
      String step) {
    o.callback(step, new Layout<>(plan, scope, parse(o, data)));
  }

  private <D extends TaskData> void populateDeferred(
      Orchestrator<D> o,
      Plan plan,
      String scope,
      com.fasterxml.jackson.databind.node.ObjectNode data) {
    Layout.populateDeferred(o, new Layout<>(plan, scope, parse(o, data)));
  }

  @SuppressWarnings("unchecked")
  <T extends TaskData> Orchestrator<T> orchestratorFor(DbTaskDefinition<T> definition) {
    Orchestrator<?> o = require(definition.name());
    if (o.definition() != definition) {
      throw new IllegalStateException(definition.id() + ": another definition is registered");
    }
    return (Orchestrator<T>) o;
  }

  private Orchestrator<?> require(String taskName) {
    return orchestrator(taskName)
        .orElseThrow(() -> new OrchestrationException("no orchestrator for workflow/" + taskName));
  }

  private static <D extends TaskData> D parse(
      Orchestrator<D> o, com.fasterxml.jackson.databind.node.ObjectNode data) {
    try {
      return o.definition().parseData(data);
    } catch (TaskDataException e) {
      throw new OrchestrationException(
          o.definition().id()
              + ": "
              + e.errors().stream()
                  .map(f -> f.field() + ": " + f.message())
                  .collect(Collectors.joining("; ")));
    }
  }
}

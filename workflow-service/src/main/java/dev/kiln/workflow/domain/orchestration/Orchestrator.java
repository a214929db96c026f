package dev.kiln.workflow.domain.orchestration;

import dev.kiln.task.TaskData;
import dev.kiln.task.server.DbTaskDefinition;

/**
 * The logic of one workflow ({@code task_type} {@code workflow}, the same {@code task_name}):
 * {@link #populate} lays out its children on a {@link Layout}; {@link #callback} runs when one of
 * its {@code internal/workflow} callbacks becomes pending. Both only decide: they read the view and
 * describe children, and the {@link Orchestration} turns that into one {@link GraphMutation}.
 * Population must be a function of the task data and the view, so re-running it lays out the same
 * keys.
 *
 * @param <D> the workflow's task data record
 */
public interface Orchestrator<D extends TaskData> {

  /** The workflow's definition in the task SDK (its name and task data record). */
  DbTaskDefinition<D> definition();

  /** Lays out the workflow's children. */
  void populate(Layout<D> layout);

  /**
   * Runs the callback {@code step} (Debusine's {@code callback_<step>()}). The default knows no
   * step.
   *
   * @throws OrchestrationException for an unknown step
   */
  default void callback(String step, Layout<D> layout) {
    throw new OrchestrationException(
        definition().id() + " has no callback for step '" + step + "'");
  }
}

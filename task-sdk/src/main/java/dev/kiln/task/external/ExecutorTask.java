package dev.kiln.task.external;

import dev.kiln.task.Tag;
import dev.kiln.task.Tags;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.model.Backend;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An external task that runs inside an executor backend (the spec's BaseTaskWithExecutor). When the
 * task data names an environment it requires {@code executor:<backend>}: with user provenance when
 * the task data names the backend, with system provenance when {@code auto} resolved it. Subclasses
 * that override the tag hooks add to {@code super}'s.
 *
 * @param <D> the task data record
 */
public abstract class ExecutorTask<D extends ExecutorTaskData> extends ExternalTask<D> {

  /** See {@link ExternalTask#ExternalTask}. */
  protected ExecutorTask(ExternalTaskDefinition<D> definition, D data, InputValues inputs) {
    super(definition, data, inputs);
  }

  /** The backend the task runs in ({@code auto} resolved to the default). */
  public final Backend backend() {
    return Backend.resolve(data().backend());
  }

  /** Whether the task data names the backend (rather than {@code auto}). */
  public final boolean backendChosenByUser() {
    return data().backend() != null && data().backend() != Backend.AUTO;
  }

  /** Whether the task runs in an environment (else directly on the worker). */
  public final boolean usesEnvironment() {
    return data().environment() != null;
  }

  @Override
  public Set<Tag> computeSystemRequiredTags() {
    Set<Tag> tags = new LinkedHashSet<>(super.computeSystemRequiredTags());
    if (usesEnvironment() && !backendChosenByUser()) {
      tags.add(Tag.system(Tags.executor(backend().wire())));
    }
    return tags;
  }

  @Override
  public Set<Tag> userProvidedTags() {
    Set<Tag> tags = new LinkedHashSet<>(super.userProvidedTags());
    if (usesEnvironment() && backendChosenByUser()) {
      tags.add(Tag.user(Tags.executor(backend().wire())));
    }
    return tags;
  }

  /** The class-level worker tags every executor task contributes: available backends. */
  public static Set<Tag> executorWorkerTags(WorkerProbe probe) {
    return WorkerTags.executors(probe);
  }
}

package dev.kiln.task.external;

import dev.kiln.task.Tag;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputValue;
import dev.kiln.task.input.InputValues;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The root of tasks that run on external workers and signing workers (the spec's BaseExternalTask).
 * An instance holds the (configured) task data and the input field values the server resolved; it
 * reads them as values and never looks anything up.
 *
 * <p>On the server, each external task is mirrored into the DB task hierarchy by a proxy adapter
 * ({@code dev.kiln.task.server.ExternalTaskAdapter}), which calls the hooks below and adds their
 * results to the DB task's own.
 *
 * <p>Hooks (all optional):
 *
 * <ul>
 *   <li>{@link #getSubject()} and {@link #getConfigurationContext()}: what task configuration is
 *       looked up by. They may read every {@link dev.kiln.task.input.Stage#CONFIG} input field and
 *       the architecture fields, nothing else.
 *   <li>{@link #computeSystemRequiredTags()}, {@link #userProvidedTags()}, {@link
 *       #computeSystemProvidedTags()}: run when the work request becomes pending, with only the
 *       architecture fields resolved.
 *   <li>The class-level {@code providedWorkerTags} hook is a static method of the task class
 *       registered in its {@link ExternalTaskDefinition}.
 * </ul>
 *
 * @param <D> the task data record
 */
public abstract class ExternalTask<D extends TaskData> {

  private final ExternalTaskDefinition<D> definition;
  private final D data;
  private final InputValues inputs;

  /**
   * @param definition the task's definition
   * @param data the task data (configured, when configuration applies)
   * @param inputs the resolved input fields
   */
  protected ExternalTask(ExternalTaskDefinition<D> definition, D data, InputValues inputs) {
    this.definition = Objects.requireNonNull(definition, "definition");
    this.data = Objects.requireNonNull(data, "data");
    this.inputs = Objects.requireNonNull(inputs, "inputs");
  }

  /** The task's definition. */
  public final ExternalTaskDefinition<D> definition() {
    return definition;
  }

  /** The task data. */
  public final D data() {
    return data;
  }

  /** The resolved input fields. */
  public final InputValues inputs() {
    return inputs;
  }

  /**
   * The value of an input field the task data sets.
   *
   * @throws IllegalStateException when it is not resolved here, or unset
   */
  public final <V extends InputValue> V input(InputField<D, V> field) {
    return inputs.get(field);
  }

  /**
   * The value of an optional input field, empty when the task data leaves it unset.
   *
   * @throws IllegalStateException when it is not resolved here
   */
  public final <V extends InputValue> Optional<V> optionalInput(InputField<D, V> field) {
    return inputs.find(field);
  }

  /**
   * The configuration subject, e.g. the source package name; empty for none. May only read
   * CONFIG-stage input fields.
   */
  public Optional<String> getSubject() {
    return Optional.empty();
  }

  /**
   * The configuration context, e.g. the environment's codename or the architecture; empty for none.
   * May only read CONFIG-stage input fields.
   */
  public Optional<String> getConfigurationContext() {
    return Optional.empty();
  }

  /**
   * Task-required tags with {@link dev.kiln.task.TagProvenance#SYSTEM} provenance, e.g. the tools
   * the task runs. Runs when the work request becomes pending.
   */
  public Set<Tag> computeSystemRequiredTags() {
    return Set.of();
  }

  /**
   * Task-required tags with {@link dev.kiln.task.TagProvenance#USER} provenance: what the task data
   * asks for, e.g. the backend a user named. Runs when the work request becomes pending.
   */
  public Set<Tag> userProvidedTags() {
    return Set.of();
  }

  /**
   * Task-provided tags with {@link dev.kiln.task.TagProvenance#SYSTEM} provenance, which a worker's
   * required tags are matched against. Runs when the work request becomes pending.
   */
  public Set<Tag> computeSystemProvidedTags() {
    return Set.of();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + definition.id() + "]";
  }
}

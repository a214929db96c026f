package dev.kiln.task.server;

import dev.kiln.task.DynamicTaskData;
import dev.kiln.task.Tag;
import dev.kiln.task.Tags;
import dev.kiln.task.TaskData;
import dev.kiln.task.TaskDefinition;
import dev.kiln.task.TaskType;
import dev.kiln.task.input.InputArchitecture;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputKind;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.input.InputValues.Coverage;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The server-side root of every task (the spec's DBTask): server, internal, wait and workflow tasks
 * extend it, and worker and signing tasks are mirrored into it by {@link ExternalTaskAdapter}, so a
 * service handles every work request through this class.
 *
 * <p>An instance is bound to its task data and to a {@link DbTaskContext} (workspace, lookups,
 * server settings); its methods therefore take no arguments:
 *
 * <ul>
 *   <li>{@link #getTaskConfigurationSubjectContext()}: (subject, context) with only the
 *       CONFIG-stage input fields resolved, without computing the rest of the dynamic data;
 *   <li>{@link #computeDynamicData()}: every input field resolved in one lookup batch, plus subject
 *       and context;
 *   <li>the tag hooks {@link #computeSystemRequiredTags()}, {@link #userProvidedTags()} and {@link
 *       #computeSystemProvidedTags()}, combined by {@link #computeTags()}.
 * </ul>
 *
 * <p>Subclasses that override a tag hook add to {@code super}'s result.
 *
 * @param <D> the task data record
 */
public abstract class DbTask<D extends TaskData> {

  private final TaskDefinition<D> definition;
  private final D data;
  private final DbTaskContext context;

  /**
   * @param definition the task's definition
   * @param data the task data (configured, once configuration was applied)
   * @param context what the task may use on the server
   */
  protected DbTask(TaskDefinition<D> definition, D data, DbTaskContext context) {
    this.definition = Objects.requireNonNull(definition, "definition");
    this.data = Objects.requireNonNull(data, "data");
    this.context = Objects.requireNonNull(context, "context");
  }

  /** The task's definition. */
  public final TaskDefinition<D> definition() {
    return definition;
  }

  /** The task type. */
  public final TaskType taskType() {
    return definition.type();
  }

  /** The task name. */
  public final String taskName() {
    return definition.name();
  }

  /** The task data. */
  public final D data() {
    return data;
  }

  /** What the task may use on the server. */
  public final DbTaskContext context() {
    return context;
  }

  /**
   * The subject and configuration context that task configuration is looked up by. Resolves only
   * the CONFIG-stage input fields (one lookup batch, none if there are none) and nothing else of
   * the dynamic data.
   *
   * @throws DynamicDataException when a CONFIG-stage lookup fails
   */
  public final SubjectContext getTaskConfigurationSubjectContext() throws DynamicDataException {
    InputValues config = InputResolution.resolve(definition, data, context, Coverage.CONFIG);
    return new SubjectContext(
        getSubject(config).orElse(null), getConfigurationContext(config).orElse(null));
  }

  /**
   * The dynamic task data: every input field resolved in ONE lookup batch and persisted as values
   * (ids plus the artifact/collection data the worker needs), with the subject and configuration
   * context.
   *
   * @throws DynamicDataException when a lookup fails or a required field has no lookup; the work
   *     request then ends as {@code error} with code {@value DynamicDataException#CODE}
   */
  public final DynamicTaskData computeDynamicData() throws DynamicDataException {
    InputValues all = InputResolution.resolve(definition, data, context, Coverage.ALL);
    return new DynamicTaskData(
        getSubject(all).orElse(null), getConfigurationContext(all).orElse(null), all);
  }

  /**
   * The configuration subject; empty by default.
   *
   * @param inputs the input fields, with at least the CONFIG stage resolved
   */
  protected Optional<String> getSubject(InputValues inputs) {
    return Optional.empty();
  }

  /**
   * The configuration context; empty by default.
   *
   * @param inputs the input fields, with at least the CONFIG stage resolved
   */
  protected Optional<String> getConfigurationContext(InputValues inputs) {
    return Optional.empty();
  }

  /**
   * The input fields that take no lookup (architectures), as the tag hooks see them: the task
   * data's value or the server-defined fallback.
   */
  protected final InputValues valueInputs() {
    try {
      return InputResolution.resolve(definition, data, context, Coverage.VALUES_ONLY);
    } catch (DynamicDataException e) {
      throw new IllegalStateException("resolving architectures takes no lookup", e);
    }
  }

  /**
   * Task-required tags with system provenance. The base contributes, for tasks run by a worker
   * process (worker, signing, server), the version tag {@code task:<type>:<name>:v<version>}, and
   * for each architecture input field left unset in the task data, {@code arch:<fallback>}.
   */
  public Set<Tag> computeSystemRequiredTags() {
    Set<Tag> tags = new LinkedHashSet<>();
    if (taskType().isRunByWorker()) {
      tags.add(Tag.system(definition.versionTag()));
    }
    architectures(true).forEach(a -> tags.add(Tag.system(Tags.architecture(a))));
    return tags;
  }

  /**
   * Task-required tags with user provenance, from the task data. The base contributes {@code
   * arch:<a>} for each architecture input field the task data sets.
   */
  public Set<Tag> userProvidedTags() {
    Set<Tag> tags = new LinkedHashSet<>();
    architectures(false).forEach(a -> tags.add(Tag.user(Tags.architecture(a))));
    return tags;
  }

  /**
   * Task-provided tags with system provenance. The base contributes {@code task-type:<type>},
   * {@code task-name:<type>:<name>} and {@code workspace:<workspace>}.
   */
  public Set<Tag> computeSystemProvidedTags() {
    Set<Tag> tags = new LinkedHashSet<>();
    tags.add(Tag.system(Tags.taskType(taskType())));
    tags.add(Tag.system(Tags.taskName(taskType(), taskName())));
    tags.add(Tag.system(Tags.workspace(context.workspace())));
    return tags;
  }

  /**
   * All tags of the work request: required = {@link #computeSystemRequiredTags()} ∪ {@link
   * #userProvidedTags()}, provided = {@link #computeSystemProvidedTags()}.
   */
  public final TaskTags computeTags() {
    Set<Tag> required = new LinkedHashSet<>(computeSystemRequiredTags());
    required.addAll(userProvidedTags());
    return new TaskTags(required, computeSystemProvidedTags());
  }

  private Set<String> architectures(boolean fallback) {
    Set<String> out = new LinkedHashSet<>();
    InputValues values = null;
    for (InputField<D, ?> field : definition.inputFields()) {
      if (field.kind() == InputKind.ARCHITECTURE) {
        if (values == null) {
          values = valueInputs();
        }
        @SuppressWarnings("unchecked")
        InputArchitecture a = values.get((InputField<D, InputArchitecture>) field);
        if (a.fallback() == fallback) {
          out.add(a.architecture());
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + definition.id() + "]";
  }
}

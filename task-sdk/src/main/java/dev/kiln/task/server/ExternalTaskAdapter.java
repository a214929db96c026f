package dev.kiln.task.server;

import dev.kiln.task.Tag;
import dev.kiln.task.TagProvenance;
import dev.kiln.task.TaskData;
import dev.kiln.task.external.ExternalTask;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.input.InputValues;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The proxy that mirrors a worker or signing task into the DB task hierarchy. Every hook delegates
 * to an {@link ExternalTask} instance built with the input values resolved so far:
 *
 * <ul>
 *   <li>{@code getSubject} / {@code getConfigurationContext}: to {@link ExternalTask#getSubject()}
 *       and {@link ExternalTask#getConfigurationContext()} with the CONFIG-stage fields resolved
 *       (or all of them, from {@code computeDynamicData()});
 *   <li>the tag hooks: the external task's results (with only the architecture fields resolved) are
 *       added to the DB task's own, after checking their provenance.
 * </ul>
 *
 * @param <D> the task data record
 */
public final class ExternalTaskAdapter<D extends TaskData> extends DbTask<D> {

  private final ExternalTaskDefinition<D> external;

  /**
   * @param definition the external task's definition
   * @param data the task data
   * @param context what the task may use on the server
   */
  public ExternalTaskAdapter(ExternalTaskDefinition<D> definition, D data, DbTaskContext context) {
    super(definition, data, context);
    this.external = definition;
  }

  /** The mirrored task's definition. */
  public ExternalTaskDefinition<D> externalDefinition() {
    return external;
  }

  /** The mirrored task, with these input values. */
  public ExternalTask<D> externalTask(InputValues inputs) {
    return external.create(data(), inputs);
  }

  @Override
  protected Optional<String> getSubject(InputValues inputs) {
    return externalTask(inputs).getSubject();
  }

  @Override
  protected Optional<String> getConfigurationContext(InputValues inputs) {
    return externalTask(inputs).getConfigurationContext();
  }

  @Override
  public Set<Tag> computeSystemRequiredTags() {
    Set<Tag> tags = new LinkedHashSet<>(super.computeSystemRequiredTags());
    tags.addAll(
        checked(
            externalTask(valueInputs()).computeSystemRequiredTags(),
            TagProvenance.SYSTEM,
            "computeSystemRequiredTags"));
    return tags;
  }

  @Override
  public Set<Tag> userProvidedTags() {
    Set<Tag> tags = new LinkedHashSet<>(super.userProvidedTags());
    tags.addAll(
        checked(
            externalTask(valueInputs()).userProvidedTags(),
            TagProvenance.USER,
            "userProvidedTags"));
    return tags;
  }

  @Override
  public Set<Tag> computeSystemProvidedTags() {
    Set<Tag> tags = new LinkedHashSet<>(super.computeSystemProvidedTags());
    tags.addAll(
        checked(
            externalTask(valueInputs()).computeSystemProvidedTags(),
            TagProvenance.SYSTEM,
            "computeSystemProvidedTags"));
    return tags;
  }

  private Set<Tag> checked(Set<Tag> tags, TagProvenance expected, String hook) {
    for (Tag t : tags) {
      if (t.provenance() != expected) {
        throw new IllegalStateException(
            external.id()
                + "."
                + hook
                + " returned "
                + t
                + "; it contributes "
                + expected
                + " tags");
      }
    }
    return tags;
  }
}

package dev.kiln.task.server;

import dev.kiln.task.Tag;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * A work request's tags, as computed when it becomes pending.
 *
 * @param required task-required tags: {@code computeSystemRequiredTags()} (system provenance) and
 *     {@code userProvidedTags()} (user provenance); every one must be among the worker's provided
 *     tags
 * @param provided task-provided tags: {@code computeSystemProvidedTags()} (system provenance); the
 *     worker's required tags must all be among them
 */
public record TaskTags(Set<Tag> required, Set<Tag> provided) {

  /** Copies both sets (sorted, for stable storage and output). */
  public TaskTags {
    required = Collections.unmodifiableSet(new TreeSet<>(required));
    provided = Collections.unmodifiableSet(new TreeSet<>(provided));
  }
}

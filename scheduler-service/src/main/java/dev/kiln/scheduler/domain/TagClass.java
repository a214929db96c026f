package dev.kiln.scheduler.domain;

import java.util.Collection;
import java.util.SortedSet;

/**
 * The effective tags of a work request, after provenance is applied ({@link TagPolicy#tagClass}):
 * work requests with equal sets share one class, and dispatch matches classes, not rows.
 *
 * @param required tags the worker must provide
 * @param provided tags the work request offers to workers' requirements
 */
public record TagClass(SortedSet<String> required, SortedSet<String> provided) {

  /** Sorts and copies both sets. */
  public TagClass {
    required = CanonicalTags.copy(required);
    provided = CanonicalTags.copy(provided);
  }

  /** A class of these tag values (e.g. as loaded from storage). */
  public static TagClass of(Collection<String> required, Collection<String> provided) {
    return new TagClass(CanonicalTags.copy(required), CanonicalTags.copy(provided));
  }

  /**
   * Stable identity of the class: the SHA-256 (hex) of its canonical encoding, the same in every
   * process and release. Store it with a unique index and give each class a surrogate id.
   */
  public String key() {
    return CanonicalTags.key("tag-class", required, provided);
  }

  /**
   * Whether a worker of this class may take work of this class: the work's required tags are among
   * the worker's provided tags, and the worker's required tags among the work's provided tags.
   */
  public boolean canRunOn(WorkerClass worker) {
    return worker.provided().containsAll(required) && provided.containsAll(worker.required());
  }
}

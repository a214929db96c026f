package dev.kiln.scheduler.domain;

import java.util.Collection;
import java.util.SortedSet;

/**
 * The effective tags of a worker, after provenance is applied ({@link TagPolicy#workerClass}).
 * Workers with equal sets share one class, and the compatible work is computed once per class.
 *
 * @param provided tags the worker offers to work requests' requirements
 * @param required tags a work request must provide for this worker to take it
 */
public record WorkerClass(SortedSet<String> provided, SortedSet<String> required) {

  /** Sorts and copies both sets. */
  public WorkerClass {
    provided = CanonicalTags.copy(provided);
    required = CanonicalTags.copy(required);
  }

  /** A class of these tag values. */
  public static WorkerClass of(Collection<String> provided, Collection<String> required) {
    return new WorkerClass(CanonicalTags.copy(provided), CanonicalTags.copy(required));
  }

  /** Stable identity of the class: the SHA-256 (hex) of its canonical encoding. */
  public String key() {
    return CanonicalTags.key("worker-class", provided, required);
  }
}

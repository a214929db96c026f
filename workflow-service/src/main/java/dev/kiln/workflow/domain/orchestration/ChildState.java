package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;
import java.util.Set;

/**
 * A child as it stands in the scheduler: the work request currently behind a key (a retry
 * supersedes the old one; the key follows the newest), its spec, dependencies and status.
 *
 * @param spec what was ensured for the key
 * @param workRequestId its work request
 * @param dependsOn the keys it waits for
 * @param status its status
 * @param result its result once completed; else null
 */
public record ChildState(
    ChildSpec spec,
    long workRequestId,
    Set<String> dependsOn,
    ChildStatus status,
    ChildResult result) {

  /** Checks the parts. */
  public ChildState {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(status, "status");
    dependsOn = dependsOn == null ? Set.of() : Set.copyOf(dependsOn);
    if (status == ChildStatus.COMPLETED && result == null) {
      throw new IllegalArgumentException(spec.key() + ": a completed child has a result");
    }
  }

  /** Its key. */
  @JsonIgnore
  public String key() {
    return spec.key();
  }

  /** Its parent's key; null for a child of the root. */
  @JsonIgnore
  public String parent() {
    return spec.parent();
  }

  /** Its {@code allow_failure}. */
  @JsonIgnore
  public boolean allowsFailure() {
    return spec.workflowData().allowsFailure();
  }
}

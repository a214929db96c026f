package dev.kiln.task.input;

import java.util.Objects;

/**
 * A resolved architecture input field.
 *
 * @param architecture the Debian architecture name, e.g. {@code amd64}
 * @param fallback true when the task data left it unset and the server-defined fallback was used
 *     (then the {@code arch:} tag it requires has system provenance, else user provenance)
 */
public record InputArchitecture(String architecture, boolean fallback) implements InputValue {

  /** Checks the architecture is present. */
  public InputArchitecture {
    Objects.requireNonNull(architecture, "architecture");
    if (architecture.isBlank()) {
      throw new IllegalArgumentException("an architecture must not be blank");
    }
  }
}

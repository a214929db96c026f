package dev.kiln.task.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A resolved single-artifact input field.
 *
 * @param lookup the lookup that was resolved (after any augmentation, e.g. of an environment's
 *     architecture)
 * @param artifact the artifact it found
 */
public record InputArtifactSingle(JsonNode lookup, ArtifactInfo artifact) implements InputValue {

  /** Checks both parts are present. */
  public InputArtifactSingle {
    Objects.requireNonNull(lookup, "lookup");
    Objects.requireNonNull(artifact, "artifact");
  }

  /** The artifact's id. */
  public long artifactId() {
    return artifact.id();
  }
}

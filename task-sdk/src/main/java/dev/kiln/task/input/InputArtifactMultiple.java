package dev.kiln.task.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A resolved multiple-artifacts input field.
 *
 * @param lookup the lookup that was resolved
 * @param artifacts the artifacts it found, in the order the lookup service gave them
 */
public record InputArtifactMultiple(JsonNode lookup, List<ArtifactInfo> artifacts)
    implements InputValue {

  /** Checks the parts; copies the list. */
  public InputArtifactMultiple {
    Objects.requireNonNull(lookup, "lookup");
    artifacts = List.copyOf(artifacts);
  }

  /** The artifacts' ids, in order. */
  public List<Long> artifactIds() {
    return artifacts.stream().map(ArtifactInfo::id).toList();
  }
}

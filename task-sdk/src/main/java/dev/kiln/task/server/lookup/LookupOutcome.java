package dev.kiln.task.server.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.input.ArtifactInfo;
import dev.kiln.task.input.CollectionInfo;
import java.util.List;
import java.util.Objects;

/** What one lookup of a batch found, or why it failed. */
public sealed interface LookupOutcome {

  /**
   * A single lookup found one artifact.
   *
   * @param artifact the artifact
   */
  record Artifact(ArtifactInfo artifact) implements LookupOutcome {
    /** Checks the artifact is present. */
    public Artifact {
      Objects.requireNonNull(artifact, "artifact");
    }
  }

  /**
   * A multiple lookup found these artifacts (possibly none).
   *
   * @param artifacts the artifacts, in the service's order
   */
  record Artifacts(List<ArtifactInfo> artifacts) implements LookupOutcome {
    /** Copies the list. */
    public Artifacts {
      artifacts = List.copyOf(artifacts);
    }
  }

  /**
   * A single lookup found one collection.
   *
   * @param collection the collection
   */
  record Collection(CollectionInfo collection) implements LookupOutcome {
    /** Checks the collection is present. */
    public Collection {
      Objects.requireNonNull(collection, "collection");
    }
  }

  /**
   * A lookup of bare collection items ({@link ExpectType#BARE}) found these items (possibly none),
   * e.g. the items of a {@code debusine:task-configuration} collection.
   *
   * @param items each item's bare data (a JSON object), in the service's order
   */
  record BareItems(List<JsonNode> items) implements LookupOutcome {
    /** Copies the list. */
    public BareItems {
      items = List.copyOf(items);
    }
  }

  /**
   * The lookup failed.
   *
   * @param code the service's code, e.g. {@code lookup-failed}, {@code invalid-lookup}, {@code
   *     forbidden}
   * @param message what went wrong
   */
  record Failed(String code, String message) implements LookupOutcome {
    /** Checks both parts are present. */
    public Failed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}

package dev.kiln.artifact.collection;

import java.time.Instant;
import java.util.Map;

/** A collection as the API shows it. */
public record CollectionView(
    long id,
    String name,
    String category,
    String workspace,
    Map<String, Object> data,
    String retainsArtifacts,
    Instant createdAt) {

  static CollectionView of(CollectionEntity c) {
    return new CollectionView(
        c.id, c.name, c.category, c.workspace, c.data, c.retainsArtifacts, c.createdAt);
  }
}

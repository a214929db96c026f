package dev.kiln.artifact.collection;

import java.time.Instant;
import java.util.Map;

/** An item of a collection as the API shows it. */
public record CollectionItemView(
    long id,
    long collectionId,
    String name,
    String childType,
    String category,
    Long artifactId,
    Long collectionIdOfChild,
    Map<String, Object> data,
    Instant createdAt,
    String createdBy) {

  static CollectionItemView of(CollectionItemEntity i) {
    return new CollectionItemView(
        i.id,
        i.collectionId,
        i.name,
        i.childType,
        i.category,
        i.artifactId,
        i.childCollectionId,
        i.data,
        i.createdAt,
        i.createdBy);
  }
}

package dev.kiln.artifact.collection;

import dev.kiln.artifact.service.ArtifactView;
import java.util.List;

/**
 * What one lookup found. A single lookup fills {@code result_type} and one of {@code artifact},
 * {@code collection} or {@code bare} (with {@code collection_item} when an item was selected); a
 * multiple lookup fills {@code results}; a failed one fills {@code error}.
 */
public record LookupResult(
    String resultType,
    ArtifactView artifact,
    CollectionView collection,
    CollectionItemView collectionItem,
    List<LookupResult> results,
    LookupError error) {

  /**
   * Why a lookup failed.
   *
   * @param code {@code lookup-failed} (nothing matches), {@code invalid-lookup} (malformed) or
   *     {@code forbidden}
   * @param message what went wrong, naming the lookup
   */
  public record LookupError(String code, String message) {}

  static LookupResult ofArtifact(ArtifactView a, CollectionItemView item) {
    return new LookupResult("artifact", a, null, item, null, null);
  }

  static LookupResult ofCollection(CollectionView c, CollectionItemView item) {
    return new LookupResult("collection", null, c, item, null, null);
  }

  static LookupResult ofBare(CollectionItemView item) {
    return new LookupResult("bare", null, null, item, null, null);
  }

  static LookupResult ofMany(List<LookupResult> results) {
    return new LookupResult("multiple", null, null, null, results, null);
  }

  static LookupResult failed(String code, String message) {
    return new LookupResult(null, null, null, null, null, new LookupError(code, message));
  }
}

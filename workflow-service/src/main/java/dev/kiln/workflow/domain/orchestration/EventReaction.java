package dev.kiln.workflow.domain.orchestration;

import java.util.Map;

/**
 * An event reaction of a child (Debusine's {@code event_reactions}); orchestrators use {@code
 * update-collection-with-artifacts} on success, to replace a promise by the real artifact and to
 * add results to collections such as {@code debian:environments}.
 *
 * @param action the action, e.g. {@value #UPDATE_COLLECTION_WITH_ARTIFACTS}
 * @param collection the collection to update (a lookup, e.g. {@code internal@collections})
 * @param nameTemplate the item name; {@code {var}} placeholders take the variables' values
 * @param variables item variables: literal values (e.g. {@code codename: bookworm})
 * @param artifactFilters which artifacts of the child qualify, e.g. {@code category: debian:upload}
 */
public record EventReaction(
    String action,
    String collection,
    String nameTemplate,
    Map<String, String> variables,
    Map<String, String> artifactFilters) {

  /** The action that adds a child's artifacts to a collection. */
  public static final String UPDATE_COLLECTION_WITH_ARTIFACTS = "update-collection-with-artifacts";

  /** The root workflow's internal collection, as a lookup. */
  public static final String INTERNAL_COLLECTION = "internal@collections";

  /** Adds the child's artifacts of this category to a collection. */
  public static EventReaction updateCollection(
      String collection, String nameTemplate, Map<String, String> variables, String category) {
    return new EventReaction(
        UPDATE_COLLECTION_WITH_ARTIFACTS,
        collection,
        nameTemplate,
        variables == null ? null : Map.copyOf(variables),
        Map.of("category", category));
  }
}

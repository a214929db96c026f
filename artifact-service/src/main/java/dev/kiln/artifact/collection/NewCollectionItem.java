package dev.kiln.artifact.collection;

import java.util.Map;

/**
 * An item to add to a collection.
 *
 * @param name its name; derived from the data for categories that name items themselves
 * @param artifactId the artifact, for an artifact item
 * @param category the category of a bare item (an artifact item takes its artifact's)
 * @param data per-item metadata (for environments: codename, architecture, variant, backend)
 * @param replace whether an active item of the same name is replaced (else 409)
 */
public record NewCollectionItem(
    String name, Long artifactId, String category, Map<String, Object> data, Boolean replace) {}

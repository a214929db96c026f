package dev.kiln.artifact.collection;

import java.util.Map;

/**
 * A collection to create.
 *
 * @param name its name ({@code _} for a singleton category)
 * @param category one of the known collection categories
 * @param workspace its workspace
 * @param data category data
 * @param retainsArtifacts never, workflow or always (default never)
 */
public record NewCollection(
    String name,
    String category,
    String workspace,
    Map<String, Object> data,
    String retainsArtifacts) {}

package dev.kiln.artifact.service;

import dev.kiln.artifact.repository.ArtifactEntity;
import java.time.Instant;
import java.util.Map;

/**
 * An artifact without its files, as listings show it.
 *
 * @param id the artifact
 * @param category its category
 * @param workspace its workspace
 * @param data its data
 * @param workRequestId the work request that created it, or null
 * @param createdAt when it was created
 */
public record ArtifactSummary(
    long id,
    String category,
    String workspace,
    Map<String, Object> data,
    Long workRequestId,
    Instant createdAt) {

  static ArtifactSummary of(ArtifactEntity a) {
    return new ArtifactSummary(
        a.id, a.category, a.workspace, a.data, a.createdByWorkRequestId, a.createdAt);
  }
}

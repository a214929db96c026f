package dev.kiln.artifact.retention;

import java.time.Instant;

/**
 * An artifact a retention sweep deleted, as its {@code artifact.expired.v1} event names it.
 *
 * @param id its id
 * @param category its category
 * @param workspace its workspace
 * @param createdAt when it was created
 * @param workRequestId the work request that created it, or null
 */
public record DeletedArtifact(
    long id, String category, String workspace, Instant createdAt, Long workRequestId) {}

package dev.kiln.artifact.service;

import dev.kiln.artifact.domain.DeclaredFile;
import java.util.Map;

/**
 * An artifact as a client submits it.
 *
 * @param category one of the known categories
 * @param workspace the workspace it belongs to
 * @param data the category's data; {@code {}} when absent
 * @param workRequestId the work request that created it, or null (set from a work request token)
 * @param files the files it is made of, by path; none when absent
 * @param expirationDelay how long after creation it may be deleted (ISO-8601, e.g. {@code P30D};
 *     {@code PT0S} keeps it forever); the workspace's default when absent
 */
public record NewArtifact(
    String category,
    String workspace,
    Map<String, Object> data,
    Long workRequestId,
    Map<String, DeclaredFile> files,
    java.time.Duration expirationDelay) {}

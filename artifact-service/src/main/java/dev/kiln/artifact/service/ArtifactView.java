package dev.kiln.artifact.service;

import dev.kiln.artifact.repository.ArtifactEntity;
import dev.kiln.artifact.repository.FileInArtifactEntity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An artifact as the API shows it (snake_case on the wire).
 *
 * @param id its id
 * @param category its category
 * @param workspace its workspace
 * @param data the category's data
 * @param createdAt when it was created
 * @param createdBy who created it (a user name, or {@code wr:<id>} for a work request token)
 * @param workRequestId the work request that created it, or null
 * @param expirationDelay its own expiration delay, or null when the workspace's default applies
 * @param expireAt when it may be deleted by its own delay, or null (workspace default, or never)
 * @param files its files by path
 * @param filesToUpload the paths whose content has not been uploaded yet, sorted
 */
public record ArtifactView(
    long id,
    String category,
    String workspace,
    Map<String, Object> data,
    Instant createdAt,
    String createdBy,
    Long workRequestId,
    java.time.Duration expirationDelay,
    Instant expireAt,
    Map<String, FileView> files,
    List<String> filesToUpload) {

  /**
   * A file of an artifact.
   *
   * @param size its size in bytes
   * @param sha256 its SHA-256
   * @param complete whether its content is stored and can be downloaded
   */
  public record FileView(long size, String sha256, boolean complete) {}

  /** The view of an artifact and its files (given in path order). */
  public static ArtifactView of(ArtifactEntity a, List<FileInArtifactEntity> files) {
    Map<String, FileView> byPath = new LinkedHashMap<>();
    List<String> toUpload = new ArrayList<>();
    for (FileInArtifactEntity f : files) {
      byPath.put(f.path, new FileView(f.size, f.sha256, f.complete));
      if (!f.complete) {
        toUpload.add(f.path);
      }
    }
    return new ArtifactView(
        a.id,
        a.category,
        a.workspace,
        a.data,
        a.createdAt,
        a.createdBy,
        a.createdByWorkRequestId,
        a.expirationDelaySeconds == null
            ? null
            : java.time.Duration.ofSeconds(a.expirationDelaySeconds),
        a.expirationDelaySeconds == null || a.expirationDelaySeconds == 0
            ? null
            : a.createdAt.plusSeconds(a.expirationDelaySeconds),
        byPath,
        toUpload);
  }
}

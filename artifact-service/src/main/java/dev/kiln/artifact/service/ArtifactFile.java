package dev.kiln.artifact.service;

import dev.kiln.artifact.repository.FileInArtifactEntity;

/**
 * One file of one artifact, as uploads and downloads need it.
 *
 * @param artifactId the artifact
 * @param path its path in the artifact
 * @param size its declared size
 * @param sha256 its declared SHA-256
 * @param complete whether its content is stored
 */
public record ArtifactFile(
    long artifactId, String path, long size, String sha256, boolean complete) {

  static ArtifactFile of(FileInArtifactEntity f) {
    return new ArtifactFile(f.artifactId, f.path, f.size, f.sha256, f.complete);
  }
}

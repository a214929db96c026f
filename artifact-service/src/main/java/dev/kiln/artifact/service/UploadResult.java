package dev.kiln.artifact.service;

/**
 * The outcome of an upload.
 *
 * @param file the file, now complete
 * @param newlyComplete true when this upload completed it, false when it was complete already
 */
public record UploadResult(ArtifactFile file, boolean newlyComplete) {}

package dev.kiln.artifact.service;

import dev.kiln.artifact.domain.HashingPipeline;
import dev.kiln.artifact.domain.Sha256;
import dev.kiln.artifact.store.FileStore;
import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Moves file contents in and out of the store. An upload is streamed to a staging file while its
 * SHA-256 is computed, checked against the declaration, and only then moved into the store and
 * marked complete: a content that does not match never becomes visible. No database transaction is
 * held while bytes travel. Hashing and writing run on two threads ({@link HashingPipeline}), so the
 * SHA-256 and the disk overlap.
 */
@ApplicationScoped
public class FileTransferService {

  private static final Logger LOG = Logger.getLogger(FileTransferService.class);

  @Inject ArtifactService artifacts;
  @Inject FileStore store;
  @Inject MeterRegistry registry;
  @Inject HashingPipeline pipeline;

  /**
   * Receives the whole content of a declared file. The body is read only after the caller was found
   * allowed to upload it; the caller closes it.
   *
   * @throws ApiException NOT_FOUND for an unknown artifact or path, FORBIDDEN when the caller may
   *     not upload to the artifact, CONFLICT when the content is not the declared one
   */
  public UploadResult upload(
      long artifactId, String path, HashingPipeline.Source body, Caller caller) {
    ArtifactFile declared = artifacts.fileForUpload(artifactId, path, caller);
    ArtifactService.Completed completed;
    try (FileStore.StagedUpload staged = store.stage(declared.sha256())) {
      MessageDigest digest = Sha256.newDigest();
      HashingPipeline.Result received =
          pipeline.copy(body, staged.channel(), declared.size(), digest);
      registry.counter("kiln_artifact_upload_bytes_total").increment(received.read());
      if (received.readFailure() != null) {
        throw received.readFailure();
      }
      if (received.overrun()) {
        throw mismatch(
            declared,
            "received more than the " + declared.size() + " bytes the file was declared with");
      }
      if (received.written() != declared.size()) {
        throw mismatch(
            declared,
            "received "
                + received.written()
                + " bytes, but the file was declared with "
                + declared.size());
      }
      String sha = Sha256.finish(digest);
      if (!declared.sha256().equals(sha)) {
        throw mismatch(
            declared,
            "the received content has SHA-256 "
                + sha
                + ", but the file was declared with "
                + declared.sha256());
      }
      completed = artifacts.completeUpload(declared, () -> staged.commit(sha));
    } catch (IOException e) {
      throw new UncheckedIOException("upload of '" + path + "' to artifact " + artifactId, e);
    }
    boolean newlyStored = completed.newlyStored();
    boolean newlyComplete = completed.newlyComplete();
    registry
        .counter("kiln_artifact_uploads_total", "result", newlyStored ? "stored" : "deduplicated")
        .increment();
    LOG.infof(
        "artifact %d: '%s' uploaded (%d bytes, %s)%s",
        artifactId,
        path,
        declared.size(),
        newlyStored ? "stored" : "content already stored",
        newlyComplete ? "" : ", file was complete already");
    return new UploadResult(
        new ArtifactFile(artifactId, path, declared.size(), declared.sha256(), true),
        newlyComplete);
  }

  /**
   * A complete file to download.
   *
   * @throws ApiException NOT_FOUND, FORBIDDEN, or CONFLICT when the file is not uploaded yet
   */
  public ArtifactFile describeDownload(long artifactId, String path, Caller caller) {
    return artifacts.fileForDownload(artifactId, path, caller);
  }

  /** The content of a complete file as a local file, when the store keeps it so. */
  public Optional<Path> localFile(ArtifactFile file) {
    return store.localFile(file.sha256());
  }

  /** Opens the content of a complete file; the caller closes the stream. */
  public InputStream open(ArtifactFile file) {
    try {
      return store.open(file.sha256());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "content "
              + file.sha256()
              + " of complete file '"
              + file.path()
              + "' of artifact "
              + file.artifactId()
              + " cannot be read from the store",
          e);
    }
  }

  /**
   * Opens {@code length} bytes of the content of a complete file from byte {@code offset}; the
   * caller closes the stream.
   */
  public InputStream open(ArtifactFile file, long offset, long length) {
    try {
      return store.open(file.sha256(), offset, length);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "bytes "
              + offset
              + "-"
              + (offset + length - 1)
              + " of content "
              + file.sha256()
              + " cannot be read from the store",
          e);
    }
  }

  private ApiException mismatch(ArtifactFile declared, String what) {
    registry.counter("kiln_artifact_uploads_total", "result", "mismatch").increment();
    LOG.warnf(
        "artifact %d: upload of '%s' refused: %s", declared.artifactId(), declared.path(), what);
    return ApiException.conflict(what + "; nothing was stored, upload the file again");
  }
}

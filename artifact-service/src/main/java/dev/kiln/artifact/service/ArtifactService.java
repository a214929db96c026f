package dev.kiln.artifact.service;

import dev.kiln.artifact.domain.ArtifactAccess;
import dev.kiln.artifact.domain.ArtifactRules;
import dev.kiln.artifact.domain.DeclaredFile;
import dev.kiln.artifact.domain.Sha256;
import dev.kiln.artifact.repository.ArtifactEntity;
import dev.kiln.artifact.repository.ArtifactRepository;
import dev.kiln.artifact.repository.FileInArtifactEntity;
import dev.kiln.artifact.store.FileStore;
import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Artifacts and their files in the database: creating, reading, and the two short transactions
 * around an upload (the bytes themselves travel outside any transaction, see {@link
 * FileTransferService}).
 */
@ApplicationScoped
public class ArtifactService {

  private static final Logger LOG = Logger.getLogger(ArtifactService.class);

  @Inject ArtifactRepository repository;
  @Inject FileStore store;
  @Inject MeterRegistry registry;
  @Inject ArtifactEvents events;

  /**
   * Creates an artifact. Files of 0 bytes, and files whose content the store holds for an artifact
   * of the same workspace, are complete at once; the others are listed in {@code files_to_upload}.
   */
  @Transactional
  public ArtifactView create(NewArtifact request, Caller caller) {
    Map<String, DeclaredFile> files =
        request.files() == null ? Map.of() : new TreeMap<>(request.files());
    List<FieldError> errors =
        new java.util.ArrayList<>(
            ArtifactRules.validate(
                request.category(),
                request.workspace(),
                request.workRequestId(),
                files,
                request.data()));
    if (request.expirationDelay() != null && request.expirationDelay().isNegative()) {
      errors.add(new FieldError("expiration_delay", "must not be negative"));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    Long workRequestId =
        ArtifactAccess.workRequestOfNewArtifact(
            caller, request.workspace(), request.workRequestId());

    ArtifactEntity artifact = new ArtifactEntity();
    artifact.category = request.category();
    artifact.workspace = request.workspace();
    artifact.data = request.data() == null ? new HashMap<>() : request.data();
    artifact.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    artifact.createdBy = caller.name();
    artifact.createdByWorkRequestId = workRequestId;
    artifact.expirationDelaySeconds =
        request.expirationDelay() == null ? null : request.expirationDelay().toSeconds();
    repository.persist(artifact);

    int reused = 0;
    for (Map.Entry<String, DeclaredFile> e : files.entrySet()) {
      FileInArtifactEntity file = new FileInArtifactEntity();
      file.artifactId = artifact.id;
      file.path = e.getKey();
      file.sha256 = e.getValue().sha256();
      file.size = e.getValue().size();
      if (file.size == 0) {
        ensureEmptyContentStored();
        file.complete = true;
      } else {
        file.complete = repository.isStoredInWorkspace(file.sha256, file.size, artifact.workspace);
        reused += file.complete ? 1 : 0;
      }
      repository.persist(file);
    }
    ArtifactView view = ArtifactView.of(artifact, repository.filesOf(artifact.id));
    events.created(view); // same transaction: the row and its event commit together
    registry.counter("kiln_artifacts_created_total", "category", artifact.category).increment();
    LOG.infof(
        "created artifact %d (%s) in workspace %s by %s: %d files, %d already stored",
        artifact.id, artifact.category, artifact.workspace, caller.name(), files.size(), reused);
    return view;
  }

  /**
   * The artifacts a work request created, oldest first, in one query (the workflow service fulfils
   * promises with them).
   */
  @Transactional
  public java.util.List<ArtifactSummary> createdBy(long workRequestId, Caller caller) {
    java.util.List<ArtifactEntity> found = repository.createdBy(workRequestId);
    for (String workspace : found.stream().map(a -> a.workspace).distinct().toList()) {
      ArtifactAccess.checkRead(caller, workspace);
    }
    return found.stream().map(ArtifactSummary::of).toList();
  }

  @Transactional
  public ArtifactView get(long id, Caller caller) {
    ArtifactEntity artifact = artifact(id);
    ArtifactAccess.checkReadArtifact(
        caller, artifact.workspace, artifact.id, artifact.createdByWorkRequestId);
    return ArtifactView.of(artifact, repository.filesOf(id));
  }

  /**
   * The declared file an upload is for, after checking that the caller may upload to the artifact.
   */
  @Transactional
  public ArtifactFile fileForUpload(long id, String path, Caller caller) {
    ArtifactEntity artifact = artifact(id);
    ArtifactAccess.checkUpload(caller, artifact.workspace, artifact.createdByWorkRequestId);
    return file(id, path);
  }

  /**
   * Records that the store holds a file's content and marks the file complete.
   *
   * @return false when the file was complete already
   */
  @Transactional
  public boolean completeUpload(ArtifactFile file) {
    repository.recordStored(file.sha256(), file.size());
    return repository.markComplete(file.artifactId(), file.path());
  }

  /** A complete file to download, after checking that the caller may read the artifact. */
  @Transactional
  public ArtifactFile fileForDownload(long id, String path, Caller caller) {
    ArtifactEntity artifact = artifact(id);
    ArtifactAccess.checkReadArtifact(
        caller, artifact.workspace, artifact.id, artifact.createdByWorkRequestId);
    ArtifactFile file = file(id, path);
    if (!file.complete()) {
      throw ApiException.conflict(
          "file '" + path + "' of artifact " + id + " has not been uploaded yet");
    }
    return file;
  }

  private ArtifactEntity artifact(long id) {
    return repository.find(id).orElseThrow(() -> ApiException.notFound("artifact " + id));
  }

  private ArtifactFile file(long id, String path) {
    return repository
        .findFile(id, path)
        .map(ArtifactFile::of)
        .orElseThrow(() -> ApiException.notFound("file '" + path + "' of artifact " + id));
  }

  /** Every store holds the empty content, so files of 0 bytes are complete from the start. */
  private void ensureEmptyContentStored() {
    try {
      if (!store.contains(Sha256.EMPTY)) {
        try (FileStore.StagedUpload empty = store.stage(Sha256.EMPTY)) {
          empty.commit(Sha256.EMPTY);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store the empty content", e);
    }
    repository.recordStored(Sha256.EMPTY, 0);
  }
}

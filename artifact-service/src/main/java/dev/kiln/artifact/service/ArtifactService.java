package dev.kiln.artifact.service;

import dev.kiln.artifact.collection.WorkspaceInheritanceService;
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
  @Inject dev.kiln.artifact.repository.ContentLocks locks;
  @Inject FileStore store;
  @Inject MeterRegistry registry;
  @Inject ArtifactEvents events;
  @Inject WorkspaceInheritanceService inheritance;

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

    java.util.Set<String> contents = new java.util.TreeSet<>();
    for (DeclaredFile f : files.values()) {
      if (f.size() > 0) {
        contents.add(f.sha256());
      }
    }
    java.util.Set<String> stored = repository.storedInWorkspace(contents, artifact.workspace);
    if (!stored.isEmpty()) {
      // a content reused from the workspace is claimed under its lock and checked again, so that
      // the retention sweep cannot delete its bytes between the check and this commit
      java.util.Set<String> reusable = new java.util.TreeSet<>();
      for (String found : stored) {
        reusable.add(found.substring(0, found.indexOf(':')));
      }
      locks.lockShared(reusable);
      stored = repository.storedInWorkspace(reusable, artifact.workspace);
    }
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
        file.complete = stored.contains(file.sha256 + ":" + file.size);
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

  /** How many work requests one listing of created artifacts may name. */
  public static final int MAX_CREATED_BY = 1_000;

  /**
   * The artifacts these work requests created, oldest first, in one query (the workflow service
   * fulfils the promises of many producers with them).
   */
  @Transactional
  public java.util.List<ArtifactSummary> createdBy(
      java.util.Collection<Long> workRequestIds, Caller caller) {
    java.util.List<ArtifactEntity> found = repository.createdBy(workRequestIds);
    for (String workspace : found.stream().map(a -> a.workspace).distinct().toList()) {
      ArtifactAccess.checkRead(caller, workspace);
    }
    return found.stream().map(ArtifactSummary::of).toList();
  }

  @Transactional
  public ArtifactView get(long id, Caller caller) {
    ArtifactEntity artifact = artifact(id);
    inheritance.checkReadArtifact(caller, artifact);
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

  /** Commits a received content into the store ({@link FileStore.StagedUpload#commit} or alike). */
  @FunctionalInterface
  public interface StoreCommit {
    /** Returns true when the content was newly stored, false when the store held it already. */
    boolean commit() throws IOException;
  }

  /**
   * What completing an upload did.
   *
   * @param newlyStored whether the content was newly stored (false: the store held it already)
   * @param newlyComplete whether the file became complete (false: it was complete already)
   */
  public record Completed(boolean newlyStored, boolean newlyComplete) {}

  /**
   * Commits a received content into the store, records that the store holds it and marks the file
   * complete, in one transaction under the content's lock ({@link
   * dev.kiln.artifact.repository.ContentLocks}): the retention sweep cannot delete the content's
   * bytes between the store's "already there" and the file becoming complete.
   */
  @Transactional
  public Completed completeUpload(ArtifactFile file, StoreCommit storeCommit) {
    locks.lockShared(List.of(file.sha256()));
    boolean stored;
    try {
      stored = storeCommit.commit();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "committing content " + file.sha256() + " of '" + file.path() + "' into the store", e);
    }
    repository.recordStored(file.sha256(), file.size());
    return new Completed(stored, repository.markComplete(file.artifactId(), file.path()));
  }

  /** A complete file to download, after checking that the caller may read the artifact. */
  @Transactional
  public ArtifactFile fileForDownload(long id, String path, Caller caller) {
    ArtifactEntity artifact = artifact(id);
    inheritance.checkReadArtifact(caller, artifact);
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

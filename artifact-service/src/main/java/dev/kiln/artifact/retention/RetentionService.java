package dev.kiln.artifact.retention;

import dev.kiln.artifact.collection.WorkspaceInheritanceService;
import dev.kiln.artifact.domain.ArtifactAccess;
import dev.kiln.artifact.repository.ArtifactRepository;
import dev.kiln.artifact.repository.ContentLocks;
import dev.kiln.artifact.service.ArtifactEvents;
import dev.kiln.artifact.store.FileStore;
import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Relations between artifacts and retention: expired artifacts that no live relation or collection
 * item keeps are deleted, then the contents no artifact uses any more.
 */
@ApplicationScoped
public class RetentionService {

  private static final Logger LOG = Logger.getLogger(RetentionService.class);
  private static final Set<String> RELATION_TYPES = Set.of("extends", "relates-to", "built-using");
  private static final int BATCH = 1000;

  /** What one sweep removed. */
  public record SweepResult(int deletedArtifacts, int deletedFiles) {}

  /** A relation: {@code artifact} extends / relates to / is built using {@code target}. */
  public record Relation(long artifact, long target, String type) {}

  @Inject RetentionRepository repository;
  @Inject ContentLocks locks;
  @Inject ArtifactEvents events;
  @Inject ArtifactRepository artifacts;
  @Inject FileStore store;
  @Inject MeterRegistry registry;
  @Inject WorkspaceInheritanceService inheritance;

  @Transactional
  public Relation relate(long artifactId, long targetId, String type, Caller caller) {
    if (type == null || !RELATION_TYPES.contains(type)) {
      throw ApiException.invalidField("type", "must be one of extends, relates-to, built-using");
    }
    var artifact =
        artifacts
            .find(artifactId)
            .orElseThrow(() -> ApiException.notFound("artifact " + artifactId));
    var target =
        artifacts
            .find(targetId)
            .orElseThrow(() -> ApiException.invalidField("target", "no such artifact"));
    if (artifactId == targetId) {
      throw ApiException.invalidField("target", "an artifact cannot relate to itself");
    }
    ArtifactAccess.checkRelate(
        caller, artifact.workspace, artifact.createdByWorkRequestId, target.workspace);
    repository.addRelation(artifactId, targetId, type);
    return new Relation(artifactId, targetId, type);
  }

  @Transactional
  public List<Relation> relations(long artifactId, Caller caller) {
    var artifact =
        artifacts
            .find(artifactId)
            .orElseThrow(() -> ApiException.notFound("artifact " + artifactId));
    inheritance.checkReadArtifact(caller, artifact);
    List<Relation> out = new ArrayList<>();
    for (Object[] row : repository.relationsOf(artifactId)) {
      out.add(
          new Relation(
              ((Number) row[0]).longValue(), ((Number) row[1]).longValue(), (String) row[2]));
    }
    return out;
  }

  @Transactional
  public void setWorkspaceDefault(String workspace, Duration delay, Caller caller) {
    ArtifactAccess.checkConfigure(caller, workspace, "set the workspace's retention");
    if (delay == null || delay.isNegative()) {
      throw ApiException.invalidField(
          "default_expiration_delay", "must be a duration of 0 or more");
    }
    repository.setWorkspaceDefault(workspace, delay.toSeconds());
  }

  @Scheduled(
      every = "${kiln.artifacts.retention.interval:1h}",
      delayed = "${kiln.artifacts.retention.first-delay:5m}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduledSweep() {
    SweepResult r = sweep(Instant.now());
    if (r.deletedArtifacts() > 0 || r.deletedFiles() > 0) {
      LOG.infof(
          "retention: deleted %d artifacts and %d files", r.deletedArtifacts(), r.deletedFiles());
    }
  }

  /** Runs a sweep as of {@code now}, in batches; each batch commits on its own. */
  public SweepResult sweep(Instant now) {
    int artifactsDeleted = 0;
    while (true) {
      int n =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    List<Long> ids = repository.deletable(now, BATCH);
                    if (!ids.isEmpty()) {
                      // one artifact.expired.v1 per deleted artifact, committed with the delete
                      events.expired(repository.deleteArtifacts(ids));
                    }
                    return ids.size();
                  });
      artifactsDeleted += n;
      if (n < BATCH) {
        break;
      }
    }
    int filesDeleted = 0;
    while (true) {
      int[] batch;
      try {
        batch = QuarkusTransaction.requiringNew().call(this::deleteUnreferencedFiles);
      } catch (RuntimeException e) {
        // the batch rolled back: its contents stay recorded, and the next sweep tries again
        LOG.warnf("retention: could not delete unreferenced contents: %s", e.getMessage());
        break;
      }
      filesDeleted += batch[1];
      if (batch[0] < BATCH) {
        break;
      }
    }
    registry.counter("kiln_artifacts_expired_total").increment(artifactsDeleted);
    registry.counter("kiln_files_deleted_total").increment(filesDeleted);
    return new SweepResult(artifactsDeleted, filesDeleted);
  }

  /**
   * One batch of contents no artifact uses: under their exclusive locks ({@link ContentLocks}), the
   * ones still unused are forgotten and their bytes deleted from the store before the transaction
   * commits, so that an upload or a new artifact claiming one of them at the same time either waits
   * and finds it gone, or is seen by the re-check and keeps it. A failure of the store rolls the
   * batch back.
   *
   * @return how many contents were candidates, and how many the store deleted
   */
  private int[] deleteUnreferencedFiles() throws IOException {
    List<String> candidates = repository.unreferencedFiles(BATCH);
    if (candidates.isEmpty()) {
      return new int[] {0, 0};
    }
    locks.lockExclusive(candidates);
    List<String> unreferenced = repository.deleteUnreferencedFiles(candidates);
    return new int[] {candidates.size(), store.deleteAll(unreferenced)};
  }

  /** For the admin API: a sweep now. */
  public Map<String, Integer> sweepNow(Caller caller) {
    if (!caller.isAdmin()) {
      throw ApiException.forbidden("only administrators may run retention");
    }
    SweepResult r = sweep(Instant.now());
    return Map.of("deleted_artifacts", r.deletedArtifacts(), "deleted_files", r.deletedFiles());
  }
}

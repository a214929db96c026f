package dev.kiln.scheduler.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Registered workers. */
@ApplicationScoped
public class WorkerRepository implements PanacheRepository<WorkerEntity> {

  public Optional<WorkerEntity> findByName(String name) {
    return find("name", name).firstResultOptional();
  }

  public Optional<WorkerEntity> findByTokenHash(String tokenSha256) {
    return find("tokenSha256", tokenSha256).firstResultOptional();
  }

  /** A worker as its token names it. */
  public record TokenOwner(long id, String name, boolean enabled) {}

  /** The workers these token hashes belong to, by hash, in one query. */
  @SuppressWarnings("unchecked")
  public java.util.Map<String, TokenOwner> byTokenHashes(String[] hashes) {
    List<Object[]> rows =
        getEntityManager()
            .createNativeQuery(
                "SELECT token_sha256, id, name, enabled FROM worker WHERE token_sha256 = ANY(?1)")
            .setParameter(1, hashes)
            .getResultList();
    java.util.Map<String, TokenOwner> out = new java.util.HashMap<>();
    for (Object[] r : rows) {
      out.put(
          (String) r[0],
          new TokenOwner(((Number) r[1]).longValue(), (String) r[2], (Boolean) r[3]));
    }
    return out;
  }

  /** A worker's tag as stored: which set, the value and who set it. */
  public record TagRow(long workerId, String kind, String value, String provenance) {}

  /**
   * What dispatch needs of these workers, enabled ones only, their rows locked so two claims for
   * the same worker (stream and REST, or two replicas) never exceed its concurrency.
   */
  public record DispatchState(
      long workerId, String workerType, int concurrency, int running, long tagsVersion) {}

  public List<DispatchState> lockDispatchState(Long[] ids) {
    return lockDispatchState(ids, false).locked();
  }

  /**
   * What {@link #lockDispatchState(Long[])} reads, and with {@code skipLocked} the workers whose
   * row another transaction holds (another claim for them is running: it covers them), left out
   * rather than waited for.
   *
   * @param locked the enabled workers' state, their rows locked
   * @param skipped the ids whose row was locked elsewhere (empty without {@code skipLocked})
   */
  public record DispatchStates(List<DispatchState> locked, java.util.Set<Long> skipped) {}

  @SuppressWarnings("unchecked")
  public DispatchStates lockDispatchState(Long[] ids, boolean skipLocked) {
    List<Object[]> rows =
        getEntityManager()
            .createNativeQuery(
                // the running counts in one grouped read for all the workers: a count per worker
                // (a correlated subquery) was planned as a scan of every running request through
                // the lease index for each worker — 3.3 ms a worker with 5,800 running, 1.7 s for
                // a batch of 500 reports with 10,000 agents connected
                "WITH locked AS (SELECT w.id, w.worker_type, w.concurrency, w.tags_version,"
                    + "   w.enabled FROM worker w WHERE w.id = ANY(?1)"
                    + "   ORDER BY w.id FOR NO KEY UPDATE OF w"
                    + (skipLocked ? " SKIP LOCKED" : "")
                    + "), running AS MATERIALIZED (SELECT r.worker_id, count(*) AS n"
                    + "   FROM work_request r WHERE r.worker_id = ANY(?1) AND r.status = 'running'"
                    + "   GROUP BY r.worker_id)"
                    + " SELECT l.id, l.worker_type, l.concurrency, coalesce(n.n, 0), l.tags_version,"
                    + " l.enabled FROM locked l LEFT JOIN running n ON n.worker_id = l.id"
                    + " ORDER BY l.id")
            .setParameter(1, ids)
            .getResultList();
    List<DispatchState> out = new ArrayList<>(rows.size());
    java.util.Set<Long> skipped = new java.util.HashSet<>();
    if (skipLocked) {
      skipped.addAll(java.util.Arrays.asList(ids));
    }
    for (Object[] r : rows) {
      long id = ((Number) r[0]).longValue();
      skipped.remove(id);
      if (!(Boolean) r[5]) {
        continue; // disabled: nothing for it
      }
      out.add(
          new DispatchState(
              id,
              (String) r[1],
              ((Number) r[2]).intValue(),
              ((Number) r[3]).intValue(),
              ((Number) r[4]).longValue()));
    }
    return new DispatchStates(out, skipped);
  }

  /** The tags of these workers, in one query. */
  @SuppressWarnings("unchecked")
  public List<TagRow> tagsOf(Long[] ids) {
    List<Object[]> rows =
        getEntityManager()
            .createNativeQuery(
                "SELECT worker_id, kind, value, provenance FROM worker_tag"
                    + " WHERE worker_id = ANY(?1) ORDER BY worker_id, kind, value, provenance")
            .setParameter(1, ids)
            .getResultList();
    List<TagRow> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      out.add(new TagRow(((Number) r[0]).longValue(), (String) r[1], (String) r[2], (String) r[3]));
    }
    return out;
  }

  /**
   * Replaces the provided tags a worker reported about itself (provenance {@code worker}); the tags
   * an administrator set stay.
   */
  public void replaceReportedTags(long workerId, String[] values) {
    getEntityManager()
        .createNativeQuery(
            "DELETE FROM worker_tag WHERE worker_id = ?1 AND provenance = 'worker'"
                + " AND NOT (value = ANY(?2))")
        .setParameter(1, workerId)
        .setParameter(2, values)
        .executeUpdate();
    getEntityManager()
        .createNativeQuery(
            "INSERT INTO worker_tag (worker_id, kind, value, provenance)"
                + " SELECT ?1, 'provided', v, 'worker' FROM unnest(?2) AS v"
                + " ON CONFLICT DO NOTHING")
        .setParameter(1, workerId)
        .setParameter(2, values)
        .executeUpdate();
    bumpTagsVersion(workerId);
  }

  /** Sets a tag (idempotent); returns whether it was new. */
  public boolean addTag(long workerId, String kind, String value, String provenance) {
    int n =
        getEntityManager()
            .createNativeQuery(
                "INSERT INTO worker_tag (worker_id, kind, value, provenance)"
                    + " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING")
            .setParameter(1, workerId)
            .setParameter(2, kind)
            .setParameter(3, value)
            .setParameter(4, provenance)
            .executeUpdate();
    if (n > 0) {
      bumpTagsVersion(workerId);
    }
    return n > 0;
  }

  /** Removes a tag; returns whether it was there. */
  public boolean removeTag(long workerId, String kind, String value, String provenance) {
    int n =
        getEntityManager()
            .createNativeQuery(
                "DELETE FROM worker_tag WHERE worker_id = ?1 AND kind = ?2 AND value = ?3"
                    + " AND provenance = ?4")
            .setParameter(1, workerId)
            .setParameter(2, kind)
            .setParameter(3, value)
            .setParameter(4, provenance)
            .executeUpdate();
    if (n > 0) {
      bumpTagsVersion(workerId);
    }
    return n > 0;
  }

  /** Marks a change that may change what the worker takes (tags, enabled, concurrency). */
  public void bumpTagsVersion(long workerId) {
    getEntityManager()
        .createNativeQuery("UPDATE worker SET tags_version = tags_version + 1 WHERE id = ?1")
        .setParameter(1, workerId)
        .executeUpdate();
  }
}

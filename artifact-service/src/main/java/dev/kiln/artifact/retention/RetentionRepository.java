package dev.kiln.artifact.retention;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;

/** The set-based queries of retention: relations, workspace defaults, mark and sweep. */
@ApplicationScoped
public class RetentionRepository {

  @Inject EntityManager em;

  public boolean addRelation(long artifactId, long targetId, String type) {
    return em.createNativeQuery(
                "INSERT INTO artifact_relation (artifact_id, target_id, type) VALUES (?1, ?2, ?3)"
                    + " ON CONFLICT DO NOTHING")
            .setParameter(1, artifactId)
            .setParameter(2, targetId)
            .setParameter(3, type)
            .executeUpdate()
        == 1;
  }

  @SuppressWarnings("unchecked")
  public List<Object[]> relationsOf(long artifactId) {
    return em.createNativeQuery(
            "SELECT artifact_id, target_id, type FROM artifact_relation"
                + " WHERE artifact_id = ?1 OR target_id = ?1 ORDER BY artifact_id, target_id, type")
        .setParameter(1, artifactId)
        .getResultList();
  }

  public void setWorkspaceDefault(String workspace, long seconds) {
    em.createNativeQuery(
            "INSERT INTO workspace_retention (workspace, default_expiration_delay_seconds)"
                + " VALUES (?1, ?2) ON CONFLICT (workspace)"
                + " DO UPDATE SET default_expiration_delay_seconds = EXCLUDED.default_expiration_delay_seconds")
        .setParameter(1, workspace)
        .setParameter(2, seconds)
        .executeUpdate();
  }

  /**
   * Mark and sweep in one query: the expired artifacts that nothing keeps. Kept are the artifacts
   * that have not expired, those an active collection item holds, and, transitively, every artifact
   * a kept one relates to.
   */
  @SuppressWarnings("unchecked")
  public List<Long> deletable(Instant now, int limit) {
    List<Number> ids =
        em.createNativeQuery(
                "WITH RECURSIVE expired AS ("
                    + "  SELECT a.id FROM artifact a"
                    + "  LEFT JOIN workspace_retention w ON w.workspace = a.workspace"
                    + "  WHERE COALESCE(a.expiration_delay_seconds, w.default_expiration_delay_seconds, 0) > 0"
                    + "  AND a.created_at + make_interval(secs => COALESCE(a.expiration_delay_seconds,"
                    + "      w.default_expiration_delay_seconds)) <= ?1"
                    + "), kept(id) AS ("
                    + "  SELECT a.id FROM artifact a WHERE NOT EXISTS (SELECT 1 FROM expired e WHERE e.id = a.id)"
                    + "  UNION"
                    + "  SELECT ci.artifact_id FROM collection_item ci"
                    + "  WHERE ci.removed_at IS NULL AND ci.artifact_id IS NOT NULL"
                    + "  UNION"
                    + "  SELECT r.target_id FROM artifact_relation r JOIN kept k ON r.artifact_id = k.id"
                    + ") SELECT e.id FROM expired e"
                    + " WHERE NOT EXISTS (SELECT 1 FROM kept k WHERE k.id = e.id)"
                    + " ORDER BY e.id LIMIT ?2")
            .setParameter(1, now)
            .setParameter(2, limit)
            .getResultList();
    return ids.stream().map(Number::longValue).toList();
  }

  /**
   * Deletes artifacts (their files and relations go with them), and old items naming them; returns
   * what was deleted, for the expiry events.
   */
  @SuppressWarnings("unchecked")
  public List<DeletedArtifact> deleteArtifacts(List<Long> ids) {
    Long[] array = ids.toArray(new Long[0]);
    em.createNativeQuery(
            "DELETE FROM collection_item WHERE artifact_id = ANY(?1) AND removed_at IS NOT NULL")
        .setParameter(1, array)
        .executeUpdate();
    List<Object[]> rows =
        em.createNativeQuery(
                "DELETE FROM artifact WHERE id = ANY(?1)"
                    + " RETURNING id, category, workspace, created_at, created_by_work_request_id")
            .setParameter(1, array)
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new DeletedArtifact(
                    ((Number) r[0]).longValue(),
                    (String) r[1],
                    (String) r[2],
                    toInstant(r[3]),
                    r[4] == null ? null : ((Number) r[4]).longValue()))
        .sorted(java.util.Comparator.comparingLong(DeletedArtifact::id))
        .toList();
  }

  private static Instant toInstant(Object value) {
    if (value instanceof Instant i) {
      return i;
    }
    if (value instanceof java.time.OffsetDateTime o) {
      return o.toInstant();
    }
    return ((java.sql.Timestamp) value).toInstant();
  }

  /** Up to {@code limit} contents no artifact declares any more, complete or still uploading. */
  @SuppressWarnings("unchecked")
  public List<String> unreferencedFiles(int limit) {
    return em.createNativeQuery(
            "SELECT f.sha256 FROM file f WHERE NOT EXISTS"
                + " (SELECT 1 FROM file_in_artifact fa WHERE fa.sha256 = f.sha256)"
                + " ORDER BY f.sha256 LIMIT ?1")
        .setParameter(1, limit)
        .getResultList();
  }

  /**
   * Forgets those of the candidates that no artifact declares (checked again: the caller holds
   * their locks now) and returns their hashes, so their bytes can be removed from the store.
   */
  @SuppressWarnings("unchecked")
  public List<String> deleteUnreferencedFiles(List<String> candidates) {
    return em.createNativeQuery(
            "DELETE FROM file f WHERE f.sha256 = ANY(cast(?1 AS text[])) AND NOT EXISTS"
                + " (SELECT 1 FROM file_in_artifact fa WHERE fa.sha256 = f.sha256) RETURNING f.sha256")
        .setParameter(1, candidates.toArray(new String[0]))
        .getResultList();
  }
}

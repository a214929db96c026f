package dev.kiln.artifact.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;

/** Artifacts, their files and the contents the store holds, in the artifact schema. */
@ApplicationScoped
public class ArtifactRepository {

  @Inject EntityManager em;

  /** Inserts an artifact and assigns its id. */
  public void persist(ArtifactEntity artifact) {
    em.persist(artifact);
    em.flush();
  }

  public void persist(FileInArtifactEntity file) {
    em.persist(file);
  }

  /** The artifacts these work requests created, oldest first: one query. */
  public List<ArtifactEntity> createdBy(java.util.Collection<Long> workRequestIds) {
    return em.createQuery(
            "from ArtifactEntity where createdByWorkRequestId in ?1 order by id",
            ArtifactEntity.class)
        .setParameter(1, workRequestIds)
        .getResultList();
  }

  public Optional<ArtifactEntity> find(long id) {
    return Optional.ofNullable(em.find(ArtifactEntity.class, id));
  }

  /** The files of an artifact, by path. */
  public List<FileInArtifactEntity> filesOf(long artifactId) {
    return em.createQuery(
            "FROM FileInArtifactEntity WHERE artifactId = :id ORDER BY path",
            FileInArtifactEntity.class)
        .setParameter("id", artifactId)
        .getResultList();
  }

  /** The artifacts of these ids (those that exist), with their files by path: two queries. */
  public java.util.Map<ArtifactEntity, List<FileInArtifactEntity>> findWithFiles(
      java.util.Collection<Long> ids) {
    java.util.Map<ArtifactEntity, List<FileInArtifactEntity>> out = new java.util.LinkedHashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    List<ArtifactEntity> found =
        em.createQuery("from ArtifactEntity where id in ?1 order by id", ArtifactEntity.class)
            .setParameter(1, ids)
            .getResultList();
    java.util.Map<Long, List<FileInArtifactEntity>> files = new java.util.HashMap<>();
    em.createQuery(
            "FROM FileInArtifactEntity WHERE artifactId in ?1 ORDER BY artifactId, path",
            FileInArtifactEntity.class)
        .setParameter(1, ids)
        .getResultList()
        .forEach(f -> files.computeIfAbsent(f.artifactId, k -> new java.util.ArrayList<>()).add(f));
    for (ArtifactEntity a : found) {
      out.put(a, files.getOrDefault(a.id, List.of()));
    }
    return out;
  }

  public Optional<FileInArtifactEntity> findFile(long artifactId, String path) {
    return Optional.ofNullable(
        em.find(FileInArtifactEntity.class, new FileInArtifactEntity.Key(artifactId, path)));
  }

  /**
   * Which of these contents (SHA-256 and size) the store holds as a complete file of some artifact
   * of the workspace: only those may a new artifact of the workspace claim without uploading them.
   * One query for all of them.
   *
   * @return the contents found, as {@code sha256 + ":" + size}
   */
  @SuppressWarnings("unchecked")
  public java.util.Set<String> storedInWorkspace(
      java.util.Collection<String> sha256s, String workspace) {
    if (sha256s.isEmpty()) {
      return java.util.Set.of();
    }
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT DISTINCT f.sha256, f.size FROM file f"
                    + " JOIN file_in_artifact fa ON fa.sha256 = f.sha256 AND fa.size = f.size"
                    + " JOIN artifact a ON a.id = fa.artifact_id"
                    + " WHERE f.sha256 = ANY(cast(?1 AS text[])) AND fa.complete AND a.workspace = ?2")
            .setParameter(1, sha256s.toArray(new String[0]))
            .setParameter(2, workspace)
            .getResultList();
    java.util.Set<String> found = new java.util.HashSet<>();
    for (Object[] row : rows) {
      found.add(row[0] + ":" + ((Number) row[1]).longValue());
    }
    return found;
  }

  /** Records that the store holds a content (a no-op when it is recorded already). */
  public void recordStored(String sha256, long size) {
    em.createNativeQuery(
            "INSERT INTO file (sha256, size) VALUES (?1, ?2) ON CONFLICT (sha256) DO NOTHING")
        .setParameter(1, sha256)
        .setParameter(2, size)
        .executeUpdate();
  }

  /** Marks a file of an artifact complete; false when it was complete already. */
  public boolean markComplete(long artifactId, String path) {
    return em.createNativeQuery(
                "UPDATE file_in_artifact SET complete = true"
                    + " WHERE artifact_id = ?1 AND path = ?2 AND NOT complete")
            .setParameter(1, artifactId)
            .setParameter(2, path)
            .executeUpdate()
        == 1;
  }
}

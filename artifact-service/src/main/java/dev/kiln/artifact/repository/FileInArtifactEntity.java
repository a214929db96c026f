package dev.kiln.artifact.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** A row of {@code file_in_artifact}: a declared file of an artifact, complete or not. */
@Entity
@Table(name = "file_in_artifact")
@IdClass(FileInArtifactEntity.Key.class)
public class FileInArtifactEntity {

  @Id
  @Column(name = "artifact_id")
  public long artifactId;

  @Id public String path;

  public String sha256;

  public long size;

  public boolean complete;

  /** The primary key: artifact and path. */
  public static class Key implements Serializable {

    public long artifactId;
    public String path;

    public Key() {}

    public Key(long artifactId, String path) {
      this.artifactId = artifactId;
      this.path = path;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.artifactId == artifactId && Objects.equals(k.path, path);
    }

    @Override
    public int hashCode() {
      return Objects.hash(artifactId, path);
    }
  }
}

package dev.kiln.artifact.collection;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code collection}. */
@Entity
@Table(name = "collection")
public class CollectionEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  public String name;
  public String category;
  public String workspace;

  @JdbcTypeCode(SqlTypes.JSON)
  public Map<String, Object> data;

  @Column(name = "retains_artifacts")
  public String retainsArtifacts;

  @Column(name = "created_at")
  public Instant createdAt;
}

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

/** A row of {@code collection_item}. */
@Entity
@Table(name = "collection_item")
public class CollectionItemEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "collection_id")
  public Long collectionId;

  public String name;

  @Column(name = "child_type")
  public String childType;

  public String category;

  @Column(name = "artifact_id")
  public Long artifactId;

  @Column(name = "child_collection_id")
  public Long childCollectionId;

  @JdbcTypeCode(SqlTypes.JSON)
  public Map<String, Object> data;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "created_by")
  public String createdBy;

  @Column(name = "removed_at")
  public Instant removedAt;

  @Column(name = "removed_by")
  public String removedBy;
}

package dev.kiln.artifact.repository;

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

/** A row of {@code artifact}. */
@Entity
@Table(name = "artifact")
public class ArtifactEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  public String category;

  public String workspace;

  @JdbcTypeCode(SqlTypes.JSON)
  public Map<String, Object> data;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "created_by")
  public String createdBy;

  @Column(name = "created_by_work_request_id")
  public Long createdByWorkRequestId;

  /** Own expiration delay in seconds; null: the workspace default; 0: kept forever. */
  @Column(name = "expiration_delay_seconds")
  public Long expirationDelaySeconds;
}

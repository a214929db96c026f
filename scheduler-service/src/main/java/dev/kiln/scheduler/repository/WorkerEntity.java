package dev.kiln.scheduler.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code worker}. */
@Entity
@Table(name = "worker")
public class WorkerEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  public String name;

  @Column(name = "worker_type")
  public String workerType;

  @Column(name = "token_sha256")
  public String tokenSha256;

  public boolean enabled;
  public int concurrency;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(name = "provided_tags")
  public String[] providedTags;

  @Column(name = "registered_at")
  public Instant registeredAt;

  @Column(name = "connected_at")
  public Instant connectedAt;

  @Column(name = "last_seen_at")
  public Instant lastSeenAt;
}

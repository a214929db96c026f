package dev.kiln.scheduler.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of the transactional outbox. */
@Entity
@Table(name = "outbox_event")
public class OutboxEventEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "event_id")
  public UUID eventId;

  @Column(name = "event_type")
  public String eventType;

  public String topic;

  @Column(name = "event_key")
  public String eventKey;

  @JdbcTypeCode(SqlTypes.JSON)
  public String payload;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "published_at")
  public Instant publishedAt;
}

package dev.kiln.scheduler.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A row of {@code work_request_tag_class}: one distinct (required, provided) pair of tag sets. Rows
 * are written by {@link WorkRequestRepository#tagClassIds} and never change.
 */
@Entity
@Immutable
@Table(name = "work_request_tag_class")
public class TagClassEntity {

  @Id public Long id;

  public String fingerprint;

  @Column(name = "required_tags")
  public String[] requiredTags;

  @Column(name = "provided_tags")
  public String[] providedTags;

  /** [{"value", "provenance"}], sorted. */
  @JdbcTypeCode(SqlTypes.JSON)
  public List<Map<String, Object>> required;

  /** [{"value", "provenance"}], sorted. */
  @JdbcTypeCode(SqlTypes.JSON)
  public List<Map<String, Object>> provided;
}

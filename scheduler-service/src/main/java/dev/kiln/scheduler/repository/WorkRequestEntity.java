package dev.kiln.scheduler.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code work_request}. */
@Entity
@Table(name = "work_request")
public class WorkRequestEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  public String workspace;

  @Column(name = "created_by")
  public String createdBy;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "started_at")
  public Instant startedAt;

  @Column(name = "completed_at")
  public Instant completedAt;

  public String status;
  public String result;

  @Column(name = "task_type")
  public String taskType;

  @Column(name = "task_name")
  public String taskName;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "task_data")
  public Map<String, Object> taskData;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "configured_task_data", insertable = false, updatable = false)
  public Map<String, Object> configuredTaskData;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "dynamic_task_data")
  public Map<String, Object> dynamicTaskData;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "workflow_data")
  public Map<String, Object> workflowData;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "output_data")
  public Map<String, Object> outputData;

  @Column(name = "priority_base")
  public int priorityBase;

  @Column(name = "priority_adjustment")
  public int priorityAdjustment;

  @Column(name = "unblock_strategy")
  public String unblockStrategy;

  @Column(name = "parent_id")
  public Long parentId;

  @Column(name = "root_id")
  public Long rootId;

  @Column(name = "worker_id")
  public Long workerId;

  public int attempt;

  @Column(name = "lease_expires_at")
  public Instant leaseExpiresAt;

  @Column(name = "retry_count")
  public int retryCount;

  /** Written by the preparation statement only (set-based), read here. */
  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "tag_class_id", insertable = false, updatable = false)
  public TagClassEntity tagClass;

  @Column(name = "prepared_at", insertable = false, updatable = false)
  public Instant preparedAt;

  @Column(name = "prepare_after", insertable = false, updatable = false)
  public Instant prepareAfter;

  /** {@code time_limit} in whole seconds (null: none); written with a statement of its own. */
  @org.hibernate.annotations.Formula("CAST(date_part('epoch', time_limit) AS bigint)")
  public Long timeLimitSeconds;
}

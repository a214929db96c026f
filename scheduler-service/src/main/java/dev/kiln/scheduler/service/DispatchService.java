package dev.kiln.scheduler.service;

import dev.kiln.common.auth.WorkRequestToken;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.repository.WorkRequestEntity;
import dev.kiln.scheduler.repository.WorkRequestRepository;
import dev.kiln.task.TaskJson;
import dev.kiln.task.TaskType;
import dev.kiln.task.input.InputValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Claims work for a worker, one transaction per assignment. */
@ApplicationScoped
public class DispatchService {

  @Inject WorkRequestRepository repository;
  @Inject SchedulerConfig config;
  @Inject MeterRegistry registry;

  @ConfigProperty(name = "kiln.auth.work-request-token-secret")
  String tokenSecret;

  /** Claims the next pending worker task that fits the worker's free capacity. */
  @Transactional
  public Optional<AssignmentView> claimFor(long workerId) {
    Instant now = Instant.now();
    Optional<Long> claimed =
        repository.claimNextFor(workerId, TaskType.WORKER.wire(), now.plus(config.leaseDuration()));
    if (claimed.isEmpty()) {
      return Optional.empty();
    }
    WorkRequestEntity wr = repository.findById(claimed.get());
    if (wr.attempt == 1) {
      Timer.builder("kiln_dispatch_pending_to_assigned")
          .description("Time from creation to first assignment")
          .publishPercentileHistogram()
          .register(registry)
          .record(Duration.between(wr.createdAt, now));
    }
    registry.counter("kiln_assignments_total", "task_type", wr.taskType).increment();
    String token =
        new WorkRequestToken(
                wr.id,
                wr.attempt,
                wr.workspace,
                now.plus(config.artifactTokenValidity()),
                inputArtifactIds(wr.dynamicTaskData))
            .sign(tokenSecret);
    return Optional.of(
        new AssignmentView(
            wr.id,
            wr.attempt,
            wr.taskType,
            wr.taskName,
            // the configured task data: what the task runs with (dispatch takes prepared requests
            // only)
            wr.configuredTaskData != null ? wr.configuredTaskData : wr.taskData,
            wr.dynamicTaskData == null ? Map.of() : wr.dynamicTaskData,
            wr.workspace,
            token));
  }

  /** The artifacts the work request's resolved input fields name: all its token may read. */
  private static Set<Long> inputArtifactIds(Map<String, Object> dynamicTaskData) {
    if (dynamicTaskData == null || !(dynamicTaskData.get("inputs") instanceof Map<?, ?>)) {
      return Set.of();
    }
    return InputValues.fromJson(TaskJson.mapper().valueToTree(dynamicTaskData.get("inputs")))
        .artifactIds();
  }

  /**
   * Puts back an assignment that never reached its agent (its stream closed): pending again,
   * without counting a retry. The attempt number stays raised, so nothing from the lost attempt can
   * report.
   */
  @Transactional
  public void release(long workRequestId, int attempt, long workerId) {
    repository.update(
        "status = 'pending', workerId = null, startedAt = null, leaseExpiresAt = null"
            + " where id = ?1 and attempt = ?2 and workerId = ?3 and status = 'running'",
        workRequestId,
        attempt,
        workerId);
  }
}

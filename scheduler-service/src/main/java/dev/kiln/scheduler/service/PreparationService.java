package dev.kiln.scheduler.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.log.LogContext;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.domain.WorkRequestResult;
import dev.kiln.scheduler.domain.WorkRequestStatus;
import dev.kiln.scheduler.repository.WorkRequestEntity;
import dev.kiln.scheduler.repository.WorkRequestRepository;
import dev.kiln.scheduler.service.BatchPreparation.Candidate;
import dev.kiln.scheduler.service.BatchPreparation.Outcome;
import dev.kiln.task.FieldError;
import dev.kiln.task.TaskJson;
import dev.kiln.task.TaskType;
import dev.kiln.task.server.PreparedTask;
import dev.kiln.task.server.TaskCatalogue;
import dev.kiln.task.server.TaskPreparation;
import dev.kiln.task.server.lookup.LookupResolver;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Prepares pending work requests (issue #4): task configuration, dynamic data and tags, stored next
 * to the submitted task data. A pass reads a batch of unprepared requests (one query), prepares
 * them together with {@link BatchPreparation} outside any transaction (the lookups are remote
 * calls), then stores every result in one transaction with a fixed number of statements: the tag
 * classes, the prepared requests, the postponed ones; only failures are written per request (each
 * needs its completion event).
 */
@ApplicationScoped
public class PreparationService {

  private static final Logger LOG = Logger.getLogger(PreparationService.class);

  @Inject WorkRequestRepository repository;
  @Inject WorkRequestEvents events;
  @Inject SchedulerConfig config;
  @Inject LookupResolver lookups;
  @Inject MeterRegistry registry;
  @Inject ObjectMapper mapper;
  @Inject LifecycleService lifecycle;
  @Inject dev.kiln.scheduler.repository.LifecycleRepository lifecycleRepository;

  private final TaskPreparation preparation = new TaskPreparation(TaskCatalogue.registry());

  /** What a pass did. */
  public record Pass(int taken, int prepared, int failed, int postponed, int lookupCalls) {}

  /** Prepares the next batch of pending work requests. */
  public Pass prepareNextBatch() {
    List<Candidate> candidates = candidates(Instant.now());
    if (candidates.isEmpty()) {
      return new Pass(0, 0, 0, 0, 0);
    }
    BatchPreparation batch =
        new BatchPreparation(preparation, lookups, config.fallbackArchitecture());
    Map<Long, Outcome> outcomes = batch.run(candidates);
    Pass pass = store(outcomes, batch.remoteCalls());
    registry.counter("kiln_preparation_lookup_calls_total").increment(batch.remoteCalls());
    registry.counter("kiln_work_requests_prepared_total").increment(pass.prepared());
    return pass;
  }

  @Transactional
  List<Candidate> candidates(Instant now) {
    List<Candidate> out = new ArrayList<>();
    for (WorkRequestRepository.Unprepared wr :
        repository.unprepared(now, config.preparationBatchSize())) {
      ObjectNode data = taskData(wr.taskData());
      out.add(
          new Candidate(
              wr.id(),
              TaskType.fromWire(wr.taskType()).orElseThrow(),
              wr.taskName(),
              data,
              wr.workspace(),
              wr.rootId(),
              wr.rootId() != null
                  && wr.createdAt() != null
                  && wr.createdAt().isAfter(now.minus(config.internalItemGrace()))));
    }
    return out;
  }

  private static ObjectNode taskData(String json) {
    if (json == null) {
      return TaskJson.mapper().createObjectNode();
    }
    try {
      JsonNode tree = TaskJson.mapper().readTree(json);
      return tree instanceof ObjectNode o ? o : TaskJson.mapper().createObjectNode();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored task data is not JSON", e);
    }
  }

  @Transactional
  Pass store(Map<Long, Outcome> outcomes, int calls) {
    Map<String, TagClassKey> classes = new LinkedHashMap<>();
    Map<Long, TagClassKey> classOf = new LinkedHashMap<>();
    Map<Long, PreparedTask> prepared = new LinkedHashMap<>();
    Map<Long, Outcome.Failed> failed = new LinkedHashMap<>();
    List<Long> postponed = new ArrayList<>();
    outcomes.forEach(
        (id, o) -> {
          if (o instanceof Outcome.Prepared p) {
            TagClassKey key = TagClassKey.of(p.task().tags());
            classes.putIfAbsent(key.fingerprint(), key);
            classOf.put(id, key);
            prepared.put(id, p.task());
          } else if (o instanceof Outcome.Failed f) {
            failed.put(id, f);
          } else if (o instanceof Outcome.Retry r) {
            postponed.add(id);
            try (LogContext ignored = LogContext.workRequest(id, null)) {
              LOG.warnf("preparation retried later: %s", r.reason());
            }
          }
        });
    int stored = 0;
    if (!prepared.isEmpty()) {
      Map<String, Long> ids =
          repository.tagClassIds(
              json(classes.values().stream().map(PreparationService::classRow).toList()),
              classes.keySet().toArray(new String[0]));
      List<Map<String, Object>> rows = new ArrayList<>();
      prepared.forEach(
          (id, p) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", id);
            row.put("configured", p.configuredTaskData());
            row.put("dynamic", p.dynamicTaskDataJson());
            row.put("tag_class_id", ids.get(classOf.get(id).fingerprint()));
            rows.add(row);
          });
      stored = repository.markPrepared(json(rows));
    }
    repository.postponePreparation(postponed, Instant.now().plus(config.preparationRetryDelay()));
    int ended = 0;
    if (!failed.isEmpty()) {
      Instant now = Instant.now();
      lifecycleRepository.lockRootsOf(failed.keySet());
      List<Long> endedIds = new ArrayList<>();
      for (WorkRequestEntity wr : repository.unpreparedForUpdate(List.copyOf(failed.keySet()))) {
        if (!WorkRequestStatus.fromWire(wr.status).canTransitionTo(WorkRequestStatus.COMPLETED)) {
          continue;
        }
        Outcome.Failed f = failed.get(wr.id);
        wr.status = WorkRequestStatus.COMPLETED.wire();
        wr.result = WorkRequestResult.ERROR.wire();
        wr.completedAt = now;
        wr.outputData = Map.of("errors", errors(f));
        events.completed(wr);
        endedIds.add(wr.id);
        ended++;
        try (LogContext ignored = LogContext.workRequest(wr.id, wr.attempt)) {
          LOG.warnf("preparation failed (%s): %s", f.code(), f.message());
        }
        registry
            .counter("kiln_preparation_failures_total", "task_type", wr.taskType, "code", f.code())
            .increment();
      }
      repository.flush();
      lifecycle.finished(endedIds); // their dependents are aborted unless allow_failure
    }
    return new Pass(outcomes.size(), stored, ended, postponed.size(), calls);
  }

  /** {@code output_data.errors}: one entry per field when the failure names fields. */
  static List<Map<String, Object>> errors(Outcome.Failed f) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (f.errors().isEmpty()) {
      out.add(Map.of("code", f.code(), "message", f.message()));
    }
    for (FieldError e : f.errors()) {
      out.add(
          Map.of("code", f.code(), "message", e.field() + ": " + e.message(), "field", e.field()));
    }
    return out;
  }

  private static Map<String, Object> classRow(TagClassKey k) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("fingerprint", k.fingerprint());
    row.put("required_tags", k.requiredTags());
    row.put("provided_tags", k.providedTags());
    row.put("required", k.required());
    row.put("provided", k.provided());
    return row;
  }

  private String json(Object rows) {
    try {
      return TaskJson.mapper().writeValueAsString(rows);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("preparation rows cannot be serialised", e);
    }
  }
}

package dev.kiln.scheduler.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.scheduler.client.ArtifactLookupClient;
import dev.kiln.task.FieldError;
import dev.kiln.task.TaskDataException;
import dev.kiln.task.TaskType;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DynamicDataException;
import dev.kiln.task.server.PreparedTask;
import dev.kiln.task.server.TaskPreparation;
import dev.kiln.task.server.config.TaskConfiguration;
import dev.kiln.task.server.config.TaskConfigurationException;
import dev.kiln.task.server.config.TaskConfigurationSource;
import dev.kiln.task.server.lookup.ExpectType;
import dev.kiln.task.server.lookup.LookupBatch;
import dev.kiln.task.server.lookup.LookupOutcome;
import dev.kiln.task.server.lookup.LookupQuery;
import dev.kiln.task.server.lookup.LookupResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Prepares many work requests together with as few lookup calls as possible (plain logic, no
 * framework): every work request runs {@link TaskPreparation#prepare} against a cache of lookup
 * outcomes; what a request still needs is collected instead of fetched, and each round sends the
 * needs of ALL requests of one (workspace, root workflow) in ONE {@link LookupResolver} call
 * (identical lookups once). Preparation takes two rounds of lookups at most (the configuration
 * collection with the CONFIG-stage fields, then the fields the configured task data adds), so N
 * work requests of one workspace cost one or two remote calls, not N.
 *
 * <p>A resolver that throws (transport failure, timeout) leaves the requests of that group to be
 * retried later: {@link Outcome.Retry}, never an error of the work request. So does an input lookup
 * that finds a {@code debusine:promise} ({@link ArtifactLookupClient#PROMISE_NOT_READY}): the
 * producer's artifact is not in the workflow's internal collection yet.
 */
final class BatchPreparation {

  /**
   * A pending work request to prepare.
   *
   * @param awaitInternalItems whether an {@code internal@collections} input that finds nothing is
   *     not ready yet rather than a failure (a young workflow child: its producer's promise may not
   *     be written yet)
   */
  record Candidate(
      long id,
      TaskType type,
      String name,
      ObjectNode taskData,
      String workspace,
      Long workflowRootId,
      boolean awaitInternalItems) {

    Candidate(
        long id,
        TaskType type,
        String name,
        ObjectNode taskData,
        String workspace,
        Long workflowRootId) {
      this(id, type, name, taskData, workspace, workflowRootId, false);
    }
  }

  /** What became of a candidate. */
  sealed interface Outcome {
    /** Ready to dispatch. */
    record Prepared(PreparedTask task) implements Outcome {}

    /** Ends the work request as error with this code; errors name the fields. */
    record Failed(String code, String message, List<FieldError> errors) implements Outcome {}

    /** The lookup service could not be reached: try again later. */
    record Retry(String reason) implements Outcome {}
  }

  /** The error code of a work request whose task cannot be configured or instantiated. */
  static final String CONFIGURE_FAILED = "configure-failed";

  private static final String CONFIG_CATEGORY = "debusine:task-configuration";
  private static final int MAX_ROUNDS = 4;

  private final TaskPreparation preparation;
  private final LookupResolver resolver;
  private final String fallbackArchitecture;
  private int remoteCalls;

  BatchPreparation(
      TaskPreparation preparation, LookupResolver resolver, String fallbackArchitecture) {
    this.preparation = preparation;
    this.resolver = resolver;
    this.fallbackArchitecture = fallbackArchitecture;
  }

  /** How many resolver calls the runs so far made. */
  int remoteCalls() {
    return remoteCalls;
  }

  private record Group(String workspace, Long workflowRootId) {}

  /** Thrown inside one attempt when a lookup is not in the cache yet. */
  private static final class NeedLookups extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NeedLookups() {
      super(null, null, false, false);
    }
  }

  private static final NeedLookups NEED = new NeedLookups();

  /** Thrown inside one attempt when an input lookup found a promise: not ready yet. */
  private static final class NotReady extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotReady(String message) {
      super(message, null, false, false);
    }
  }

  /** Prepares every candidate; the answer has an outcome for each id. */
  Map<Long, Outcome> run(List<Candidate> candidates) {
    Map<Long, Outcome> outcomes = new LinkedHashMap<>();
    Map<Group, Map<LookupQuery, LookupOutcome>> caches = new HashMap<>();
    List<Candidate> open = new ArrayList<>(candidates);
    for (int round = 0; round < MAX_ROUNDS && !open.isEmpty(); round++) {
      Map<Group, Set<LookupQuery>> needs = new LinkedHashMap<>();
      Map<Group, Long> firstAsking = new HashMap<>();
      List<Candidate> stillOpen = new ArrayList<>();
      for (Candidate c : open) {
        Group g = new Group(c.workspace(), c.workflowRootId());
        Map<LookupQuery, LookupOutcome> cache = caches.computeIfAbsent(g, k -> new HashMap<>());
        Set<LookupQuery> missing = new LinkedHashSet<>();
        Optional<Outcome> o = attempt(c, cache, missing);
        if (o.isPresent()) {
          outcomes.put(c.id(), o.get());
        } else {
          needs.computeIfAbsent(g, k -> new LinkedHashSet<>()).addAll(missing);
          firstAsking.putIfAbsent(g, c.id());
          stillOpen.add(c);
        }
      }
      Set<Group> unreachable = new LinkedHashSet<>();
      Map<Group, String> why = new HashMap<>();
      for (Map.Entry<Group, Set<LookupQuery>> e : needs.entrySet()) {
        Group g = e.getKey();
        List<LookupQuery> queries = List.copyOf(e.getValue());
        Map<String, LookupQuery> keyed = new LinkedHashMap<>();
        String prefix = "wr" + firstAsking.get(g) + ".";
        for (int i = 0; i < queries.size(); i++) {
          keyed.put(prefix + i, queries.get(i));
        }
        Map<String, LookupOutcome> answers;
        try {
          remoteCalls++;
          answers = resolver.resolve(new LookupBatch(g.workspace(), g.workflowRootId(), keyed));
        } catch (RuntimeException ex) {
          unreachable.add(g);
          why.put(g, String.valueOf(ex.getMessage()));
          continue;
        }
        Map<LookupQuery, LookupOutcome> cache = caches.get(g);
        keyed.forEach(
            (k, q) -> {
              LookupOutcome a = answers == null ? null : answers.get(k);
              cache.put(
                  q,
                  a != null
                      ? a
                      : new LookupOutcome.Failed(
                          "lookup-failed", "the lookup service gave no answer for " + k));
            });
      }
      open = new ArrayList<>();
      for (Candidate c : stillOpen) {
        Group g = new Group(c.workspace(), c.workflowRootId());
        if (unreachable.contains(g)) {
          outcomes.put(c.id(), new Outcome.Retry("lookups unavailable: " + why.get(g)));
        } else {
          open.add(c);
        }
      }
    }
    for (Candidate c : open) {
      outcomes.put(
          c.id(),
          new Outcome.Failed(
              CONFIGURE_FAILED,
              "preparation needed more than " + MAX_ROUNDS + " rounds of lookups",
              List.of()));
    }
    return outcomes;
  }

  /**
   * One try at preparing a candidate from the cache: an outcome, or empty with {@code missing}
   * filled with the lookups it needs.
   */
  private Optional<Outcome> attempt(
      Candidate c, Map<LookupQuery, LookupOutcome> cache, Set<LookupQuery> missing) {
    TaskConfigurationSource source = TaskConfigurationSource.empty();
    boolean configKnown = true;
    if (c.type().isRunByWorker()) {
      LookupQuery configQuery = configurationQuery(c.taskData());
      LookupOutcome config = cache.get(configQuery);
      if (config == null) {
        missing.add(configQuery);
        configKnown = false;
      } else {
        try {
          source = configurationSource(c.taskData(), config);
        } catch (TaskConfigurationException e) {
          return Optional.of(
              new Outcome.Failed(
                  e.code(),
                  "task configuration: " + e.getMessage(),
                  List.of(new FieldError("task_configuration", e.getMessage()))));
        }
      }
    }
    LookupResolver fromCache =
        batch -> {
          Map<String, LookupOutcome> out = new LinkedHashMap<>();
          batch
              .lookups()
              .forEach(
                  (k, q) -> {
                    LookupOutcome o = cache.get(q);
                    if (o == null) {
                      missing.add(q);
                    } else if (o instanceof LookupOutcome.Failed f
                        && (ArtifactLookupClient.PROMISE_NOT_READY.equals(f.code())
                            || (c.awaitInternalItems()
                                && "lookup-failed".equals(f.code())
                                && isInternal(q)))) {
                      throw new NotReady(k + ": " + f.message());
                    } else {
                      out.put(k, o);
                    }
                  });
          if (!missing.isEmpty()) {
            throw NEED;
          }
          return out;
        };
    boolean known = configKnown;
    TaskConfigurationSource effective =
        known
            ? source
            : name -> {
              throw NEED;
            };
    DbTaskContext context =
        new DbTaskContext(c.workspace(), c.workflowRootId(), fromCache, fallbackArchitecture);
    try {
      PreparedTask prepared =
          preparation.prepare(c.type(), c.name(), c.taskData(), context, effective);
      if (!missing.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Outcome.Prepared(prepared));
    } catch (NeedLookups e) {
      return Optional.empty();
    } catch (NotReady e) {
      // A promise of a producer that has not succeeded (or whose reaction has not run) yet.
      return Optional.of(new Outcome.Retry("input not ready: " + e.getMessage()));
    } catch (TaskDataException e) {
      return Optional.of(
          new Outcome.Failed(
              CONFIGURE_FAILED, "the task data does not validate: " + e.getMessage(), e.errors()));
    } catch (TaskConfigurationException e) {
      return Optional.of(
          new Outcome.Failed(
              e.code(),
              e.getMessage(),
              List.of(new FieldError("task_configuration", e.getMessage()))));
    } catch (DynamicDataException e) {
      if (!missing.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Outcome.Failed(e.code(), e.getMessage(), e.errors()));
    } catch (RuntimeException e) {
      return Optional.of(
          new Outcome.Failed(CONFIGURE_FAILED, "the task could not be prepared: " + e, List.of()));
    }
  }

  /** Whether a lookup reads the root workflow's internal collection. */
  static boolean isInternal(LookupQuery q) {
    JsonNode l = q.lookup();
    String text = l.isObject() ? l.path("collection").asText("") : l.asText("");
    return text.startsWith("internal@collections");
  }

  /**
   * The lookup of the items of the task's configuration collection: a dict lookup of its bare
   * items, so they travel in the same batch as the task's own lookups.
   */
  static LookupQuery configurationQuery(ObjectNode taskData) {
    JsonNode collection = TaskConfiguration.collectionLookup(taskData);
    ObjectNode dict = JsonNodeFactory.instance.objectNode();
    dict.put(
        "collection",
        collection.isIntegralNumber() ? collection.asLong() + "@collections" : collection.asText());
    dict.put("child_type", "bare");
    return new LookupQuery(dict, ExpectType.BARE, CONFIG_CATEGORY);
  }

  /**
   * The configuration source from the lookup of its items: a missing default collection means no
   * configuration, a missing explicit one is an error.
   */
  static TaskConfigurationSource configurationSource(ObjectNode taskData, LookupOutcome outcome)
      throws TaskConfigurationException {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome instanceof LookupOutcome.BareItems items) {
      return TaskConfigurationSource.fromItemData(items.items());
    }
    if (outcome instanceof LookupOutcome.Failed f) {
      if ("lookup-failed".equals(f.code()) && TaskConfiguration.isDefaultCollection(taskData)) {
        return TaskConfigurationSource.empty();
      }
      throw new TaskConfigurationException(
          "collection " + TaskConfiguration.collectionLookup(taskData) + ": " + f.message());
    }
    throw new TaskConfigurationException(
        "collection "
            + TaskConfiguration.collectionLookup(taskData)
            + " is not a debusine:task-configuration collection of bare items");
  }
}

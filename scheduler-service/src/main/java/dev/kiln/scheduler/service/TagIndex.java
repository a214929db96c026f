package dev.kiln.scheduler.service;

import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.scheduler.domain.CompatibilityIndex;
import dev.kiln.scheduler.domain.TagClass;
import dev.kiln.scheduler.domain.TagPolicy;
import dev.kiln.scheduler.domain.WorkerClass;
import dev.kiln.scheduler.domain.WorkerKind;
import dev.kiln.scheduler.repository.TagClassEntity;
import dev.kiln.scheduler.repository.WorkRequestRepository;
import dev.kiln.scheduler.repository.WorkerRepository;
import dev.kiln.task.Tag;
import dev.kiln.task.TagProvenance;
import dev.kiln.task.server.TaskTags;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory side of tag matching: one {@link CompatibilityIndex} per worker kind, fed with
 * every stored tag class (polled by id, so classes another replica created are picked up at the
 * next dispatch round), and the effective class of each worker, recomputed only when its {@code
 * tags_version} changes.
 */
@ApplicationScoped
public class TagIndex {

  private static final int PAGE = 5_000;
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(TagIndex.class);

  /** The kinds whose work the dispatcher hands out on agent streams. */
  static final List<WorkerKind> DISPATCHED = List.of(WorkerKind.WORKER, WorkerKind.SIGNING);

  @Inject WorkRequestRepository workRequests;
  @Inject WorkerRepository workers;
  @Inject SchedulerConfig config;

  private TagPolicy policy;
  private final Map<WorkerKind, CompatibilityIndex> indexes = new EnumMap<>(WorkerKind.class);
  // Stored classes differ by provenance; several may share one effective class (a user-provided
  // tag is dropped, say). The index holds the first id of each; the others are its aliases.
  private final Map<WorkerKind, Map<String, Long>> canonical = new EnumMap<>(WorkerKind.class);
  private final Map<WorkerKind, Map<Long, long[]>> aliases = new EnumMap<>(WorkerKind.class);
  private final Map<Long, String> requiredLabel = new ConcurrentHashMap<>();
  private final Map<Long, Known> known = new ConcurrentHashMap<>();
  private long lastSeenId;

  /** A worker's effective class as of one {@code tags_version}. */
  public record Known(long tagsVersion, WorkerKind kind, WorkerClass workerClass) {}

  @PostConstruct
  void init() {
    List<String> ns = new ArrayList<>(config.protectedTagNamespaces());
    ns.add(TagPolicy.WORKER_TYPE_NAMESPACE);
    policy = new TagPolicy(ns);
    for (WorkerKind k : DISPATCHED) {
      indexes.put(k, new CompatibilityIndex());
      canonical.put(k, new HashMap<>());
      aliases.put(k, new ConcurrentHashMap<>());
    }
  }

  public TagPolicy policy() {
    return policy;
  }

  // set by every announcement of new work (tag classes are stored before their work is
  // dispatchable) and by the periodic dispatch pass: refresh() reads only then
  private volatile boolean stale = true;

  /** New tag classes may have been stored: the next {@link #refresh} reads them. */
  public void invalidate() {
    stale = true;
  }

  /**
   * Loads the tag classes stored since the last call (by this replica or another), if any may have
   * been stored since ({@link #invalidate}).
   */
  @Transactional
  public synchronized void refresh() {
    if (!stale) {
      return;
    }
    stale = false;
    while (true) {
      List<TagClassEntity> page = workRequests.tagClassesAfter(lastSeenId, PAGE);
      for (TagClassEntity c : page) {
        lastSeenId = Math.max(lastSeenId, c.id);
        TaskTags tags;
        try {
          tags = new TaskTags(tags(c.required), tags(c.provided));
        } catch (IllegalArgumentException e) {
          // never dispatched, but it must not stop the classes after it from being seen
          LOG.errorf("tag class %d cannot be read: %s", c.id, e.getMessage());
          continue;
        }
        for (WorkerKind k : DISPATCHED) {
          TagClass effective = policy.tagClass(k.runs(), tags);
          Long first = canonical.get(k).putIfAbsent(effective.key(), c.id);
          if (first == null) {
            indexes.get(k).addTagClass(c.id, effective);
          } else {
            aliases
                .get(k)
                .compute(
                    first,
                    (x, ids) -> {
                      long[] more = ids == null ? new long[] {first} : ids;
                      more = java.util.Arrays.copyOf(more, more.length + 1);
                      more[more.length - 1] = c.id;
                      return more;
                    });
          }
        }
        requiredLabel.put(c.id, String.join(",", c.requiredTags));
      }
      if (page.size() < PAGE) {
        return;
      }
    }
  }

  /** The tag classes a worker of this kind and class may take, sorted. */
  public long[] compatible(WorkerKind kind, WorkerClass workerClass) {
    CompatibilityIndex index = indexes.get(kind);
    if (index == null) {
      return new long[0];
    }
    long[] ids = index.compatibleTagClassIds(workerClass);
    Map<Long, long[]> alias = aliases.get(kind);
    if (alias.isEmpty()) {
      return ids;
    }
    java.util.TreeSet<Long> out = new java.util.TreeSet<>();
    for (long id : ids) {
      long[] same = alias.get(id);
      if (same == null) {
        out.add(id);
      } else {
        for (long a : same) {
          out.add(a);
        }
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** Whether this tag class has been read (it is in the index). */
  public boolean knows(long tagClassId) {
    return requiredLabel.containsKey(tagClassId);
  }

  /** The required tag values of a class, comma-separated (a metrics label). */
  public String requiredTagsOf(long tagClassId) {
    return requiredLabel.getOrDefault(tagClassId, "?");
  }

  /**
   * The effective classes of these workers, reading the tags only of those whose version changed
   * since last time, in one query. Runs in the caller's transaction.
   */
  public Map<Long, Known> classesOf(List<WorkerRepository.DispatchState> states) {
    Map<Long, Known> out = new HashMap<>();
    List<Long> stale = new ArrayList<>();
    Map<Long, WorkerRepository.DispatchState> byId = new HashMap<>();
    for (WorkerRepository.DispatchState s : states) {
      byId.put(s.workerId(), s);
      Known k = known.get(s.workerId());
      if (k != null && k.tagsVersion() == s.tagsVersion()) {
        out.put(s.workerId(), k);
      } else {
        stale.add(s.workerId());
      }
    }
    if (stale.isEmpty()) {
      return out;
    }
    Map<Long, List<Tag>> provided = new HashMap<>();
    Map<Long, List<Tag>> required = new HashMap<>();
    for (WorkerRepository.TagRow r : workers.tagsOf(stale.toArray(new Long[0]))) {
      Tag t = new Tag(r.value(), provenance(r.provenance()));
      (r.kind().equals("required") ? required : provided)
          .computeIfAbsent(r.workerId(), x -> new ArrayList<>())
          .add(t);
    }
    for (Long id : stale) {
      WorkerRepository.DispatchState s = byId.get(id);
      WorkerKind kind = WorkerKind.valueOf(s.workerType().toUpperCase(Locale.ROOT));
      Known k =
          new Known(
              s.tagsVersion(),
              kind,
              policy.workerClass(
                  kind,
                  provided.getOrDefault(id, List.of()),
                  required.getOrDefault(id, List.of())));
      known.put(id, k);
      out.put(id, k);
    }
    return out;
  }

  /**
   * The effective class (with its kind) a worker had at its last claim, as a key that equal classes
   * share; null when it has not been claimed for yet.
   */
  public Object groupOf(long workerId) {
    Known k = known.get(workerId);
    return k == null ? null : java.util.List.of(k.kind(), k.workerClass());
  }

  /** Forgets a worker's cached class (it disconnected). */
  public void forget(long workerId) {
    known.remove(workerId);
  }

  private static Set<Tag> tags(List<Map<String, Object>> json) {
    Set<Tag> out = new LinkedHashSet<>();
    if (json != null) {
      for (Map<String, Object> t : json) {
        out.add(new Tag((String) t.get("value"), provenance((String) t.get("provenance"))));
      }
    }
    return out;
  }

  static TagProvenance provenance(String wire) {
    return TagProvenance.valueOf(wire.toUpperCase(Locale.ROOT));
  }
}

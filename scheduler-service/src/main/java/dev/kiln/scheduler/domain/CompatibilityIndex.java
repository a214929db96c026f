package dev.kiln.scheduler.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which work request tag classes each worker class may take, kept up to date as classes appear, so
 * the dispatcher claims with {@code tag_class_id = ANY(:compatible)} and never looks at a work
 * request no worker of that class could run.
 *
 * <p>Cost, with C tag classes, W worker classes and t tags per set: adding a worker class walks the
 * inverted index of required tags, O(sum over its provided tags of the classes requiring that tag +
 * candidates × t), rather than checking all C classes; adding a tag class checks each worker class,
 * O(W × t), and updates their cached answers in place. Reading a worker class's answer is a copy of
 * a cached sorted array. W is small (the distinct effective tag sets of the fleet) and C grows only
 * with new combinations of tags, not with the number of work requests.
 *
 * <p>Thread-safe: every method is synchronized; answers are copies.
 */
public final class CompatibilityIndex {

  private final Map<Long, TagClass> classes = new HashMap<>();
  private final Map<String, Long> idByKey = new HashMap<>();
  private final Map<String, List<Long>> byRequiredTag = new HashMap<>();
  private final List<Long> noRequirement = new ArrayList<>();
  private final Map<String, WorkerClass> workers = new LinkedHashMap<>();
  private final Map<String, long[]> compatible = new HashMap<>();

  /**
   * Adds a tag class under its surrogate id (the id of its stored row), and returns the keys of the
   * worker classes that may take it: empty means no worker of the fleet can run such work now (it
   * waits, holding nothing up). Adding the same class under the same id again changes nothing.
   *
   * @throws IllegalArgumentException when the id or the class is already known differently
   */
  public synchronized SortedSet<String> addTagClass(long id, TagClass tagClass) {
    TagClass known = classes.get(id);
    if (known != null) {
      if (!known.equals(tagClass)) {
        throw new IllegalArgumentException("tag class id " + id + " is already " + known);
      }
      return workerClassesFor(tagClass);
    }
    Long other = idByKey.putIfAbsent(tagClass.key(), id);
    if (other != null) {
      throw new IllegalArgumentException(tagClass + " is already tag class " + other);
    }
    classes.put(id, tagClass);
    if (tagClass.required().isEmpty()) {
      noRequirement.add(id);
    } else {
      for (String t : tagClass.required()) {
        byRequiredTag.computeIfAbsent(t, k -> new ArrayList<>()).add(id);
      }
    }
    SortedSet<String> fits = new TreeSet<>();
    for (Map.Entry<String, WorkerClass> w : workers.entrySet()) {
      if (tagClass.canRunOn(w.getValue())) {
        fits.add(w.getKey());
        long[] old = compatible.get(w.getKey());
        long[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = id;
        Arrays.sort(grown);
        compatible.put(w.getKey(), grown);
      }
    }
    return Collections.unmodifiableSortedSet(fits);
  }

  /** Forgets a tag class (e.g. no pending work request uses it any more). */
  public synchronized void removeTagClass(long id) {
    TagClass c = classes.remove(id);
    if (c == null) {
      return;
    }
    idByKey.remove(c.key());
    noRequirement.remove(id);
    for (String t : c.required()) {
      List<Long> ids = byRequiredTag.get(t);
      ids.remove(id);
      if (ids.isEmpty()) {
        byRequiredTag.remove(t);
      }
    }
    compatible.replaceAll((k, ids) -> Arrays.stream(ids).filter(x -> x != id).toArray());
  }

  /**
   * The ids of the tag classes a worker of this class may take, sorted, for {@code tag_class_id =
   * ANY(:compatible)}. The worker class is remembered, so later tag classes update its answer.
   */
  public synchronized long[] compatibleTagClassIds(WorkerClass worker) {
    String key = worker.key();
    long[] cached = compatible.get(key);
    if (cached == null) {
      cached = compute(worker);
      workers.put(key, worker);
      compatible.put(key, cached);
    }
    return cached.clone();
  }

  /** Forgets a worker class (its last worker left). */
  public synchronized void removeWorkerClass(WorkerClass worker) {
    workers.remove(worker.key());
    compatible.remove(worker.key());
  }

  /** The keys of the known worker classes that may take work of this class. */
  public synchronized SortedSet<String> workerClassesFor(TagClass tagClass) {
    SortedSet<String> fits = new TreeSet<>();
    workers.forEach(
        (k, w) -> {
          if (tagClass.canRunOn(w)) {
            fits.add(k);
          }
        });
    return Collections.unmodifiableSortedSet(fits);
  }

  private long[] compute(WorkerClass worker) {
    // A class qualifies on the first condition when all its required tags are provided: count,
    // per class, how many of the worker's provided tags it requires.
    Map<Long, Integer> hits = new HashMap<>();
    List<Long> candidates = new ArrayList<>(noRequirement);
    for (String t : worker.provided()) {
      for (Long id : byRequiredTag.getOrDefault(t, List.of())) {
        int n = hits.merge(id, 1, Integer::sum);
        if (n == classes.get(id).required().size()) {
          candidates.add(id);
        }
      }
    }
    return candidates.stream()
        .filter(id -> classes.get(id).provided().containsAll(worker.required()))
        .mapToLong(Long::longValue)
        .sorted()
        .toArray();
  }
}

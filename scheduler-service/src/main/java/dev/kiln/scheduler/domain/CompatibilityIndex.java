package dev.kiln.scheduler.domain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
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
 * O(W × t), and inserts its id into the cached answers (amortised O(1) when ids grow, as stored ids
 * do). Reading a worker class's answer is a copy of a cached sorted array. W is small (the distinct
 * effective tag sets of the fleet) and C grows only with new combinations of tags, not with the
 * number of work requests.
 *
 * <p>Thread-safe: every method is synchronized; answers are copies.
 */
public final class CompatibilityIndex {

  // Tag classes live in dense slots so counting uses a plain int array.
  private final List<TagClass> slotClass = new ArrayList<>();
  private long[] slotId = new long[16];
  private final Deque<Integer> freeSlots = new ArrayDeque<>();
  private final Map<Long, Integer> slotById = new HashMap<>();
  private final Map<String, Long> idByKey = new HashMap<>();
  private final Map<String, IntList> byRequiredTag = new HashMap<>();
  private final IntList noRequirement = new IntList();
  private final Map<String, WorkerClass> workers = new LinkedHashMap<>();
  private final Map<String, SortedIds> compatible = new HashMap<>();
  private int[] hits = new int[16];

  /**
   * Adds a tag class under its surrogate id (the id of its stored row), and returns the keys of the
   * worker classes that may take it: empty means no worker of the fleet can run such work now (it
   * waits, holding nothing up). Adding the same class under the same id again changes nothing.
   *
   * @throws IllegalArgumentException when the id or the class is already known differently
   */
  public synchronized SortedSet<String> addTagClass(long id, TagClass tagClass) {
    Integer knownSlot = slotById.get(id);
    if (knownSlot != null) {
      TagClass known = slotClass.get(knownSlot);
      if (!known.equals(tagClass)) {
        throw new IllegalArgumentException("tag class id " + id + " is already " + known);
      }
      return workerClassesFor(tagClass);
    }
    Long other = idByKey.putIfAbsent(tagClass.key(), id);
    if (other != null) {
      throw new IllegalArgumentException(tagClass + " is already tag class " + other);
    }
    int slot;
    if (freeSlots.isEmpty()) {
      slot = slotClass.size();
      slotClass.add(tagClass);
      if (slot == slotId.length) {
        slotId = Arrays.copyOf(slotId, slot * 2);
        hits = new int[slot * 2];
      }
    } else {
      slot = freeSlots.pop();
      slotClass.set(slot, tagClass);
    }
    slotId[slot] = id;
    slotById.put(id, slot);
    if (tagClass.required().isEmpty()) {
      noRequirement.add(slot);
    } else {
      for (String t : tagClass.required()) {
        byRequiredTag.computeIfAbsent(t, k -> new IntList()).add(slot);
      }
    }
    SortedSet<String> fits = new TreeSet<>();
    for (Map.Entry<String, WorkerClass> w : workers.entrySet()) {
      if (tagClass.canRunOn(w.getValue())) {
        fits.add(w.getKey());
        compatible.get(w.getKey()).insert(id);
      }
    }
    return Collections.unmodifiableSortedSet(fits);
  }

  /** Forgets a tag class (e.g. no pending work request uses it any more). */
  public synchronized void removeTagClass(long id) {
    Integer slot = slotById.remove(id);
    if (slot == null) {
      return;
    }
    TagClass c = slotClass.set(slot, null);
    freeSlots.push(slot);
    idByKey.remove(c.key());
    noRequirement.remove(slot);
    for (String t : c.required()) {
      IntList slots = byRequiredTag.get(t);
      slots.remove(slot);
      if (slots.size == 0) {
        byRequiredTag.remove(t);
      }
    }
    compatible.values().forEach(ids -> ids.remove(id));
  }

  /**
   * The ids of the tag classes a worker of this class may take, sorted, for {@code tag_class_id =
   * ANY(:compatible)}. The worker class is remembered, so later tag classes update its answer.
   */
  public synchronized long[] compatibleTagClassIds(WorkerClass worker) {
    String key = worker.key();
    SortedIds cached = compatible.get(key);
    if (cached == null) {
      cached = compute(worker);
      workers.put(key, worker);
      compatible.put(key, cached);
    }
    return cached.toArray();
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

  private SortedIds compute(WorkerClass worker) {
    // A class qualifies on the first condition when all its required tags are provided: count,
    // per class, how many of the worker's provided tags it requires.
    IntList touched = new IntList();
    SortedIds out = new SortedIds();
    for (int i = 0; i < noRequirement.size; i++) {
      keepIfProvides(worker, noRequirement.values[i], out);
    }
    for (String t : worker.provided()) {
      IntList slots = byRequiredTag.get(t);
      if (slots == null) {
        continue;
      }
      for (int i = 0; i < slots.size; i++) {
        int s = slots.values[i];
        if (hits[s]++ == 0) {
          touched.add(s);
        }
        if (hits[s] == slotClass.get(s).required().size()) {
          keepIfProvides(worker, s, out);
        }
      }
    }
    for (int i = 0; i < touched.size; i++) {
      hits[touched.values[i]] = 0;
    }
    out.sort();
    return out;
  }

  private void keepIfProvides(WorkerClass worker, int slot, SortedIds out) {
    if (slotClass.get(slot).provided().containsAll(worker.required())) {
      out.append(slotId[slot]);
    }
  }

  /** A growable array of ints. */
  private static final class IntList {
    int[] values = new int[4];
    int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    void remove(int v) {
      for (int i = 0; i < size; i++) {
        if (values[i] == v) {
          values[i] = values[--size];
          return;
        }
      }
    }
  }

  /** A growable sorted array of ids. */
  private static final class SortedIds {
    long[] values = new long[8];
    int size;

    void append(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    void sort() {
      Arrays.sort(values, 0, size);
    }

    void insert(long v) {
      int at = Arrays.binarySearch(values, 0, size, v);
      if (at >= 0) {
        return;
      }
      at = -at - 1;
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      System.arraycopy(values, at, values, at + 1, size - at);
      values[at] = v;
      size++;
    }

    void remove(long v) {
      int at = Arrays.binarySearch(values, 0, size, v);
      if (at >= 0) {
        System.arraycopy(values, at + 1, values, at, size - at - 1);
        size--;
      }
    }

    long[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}

package dev.kiln.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class CompatibilityIndexTest {

  private static final WorkerClass AMD =
      WorkerClass.of(List.of("arch:amd64", "task:worker:noop:v1", "worker-type:worker"), List.of());
  private static final WorkerClass ARM =
      WorkerClass.of(List.of("arch:arm64", "task:worker:noop:v1", "worker-type:worker"), List.of());
  private static final WorkerClass RELEASE =
      WorkerClass.of(
          List.of("arch:amd64", "task:worker:noop:v1", "worker-type:worker"),
          List.of("workspace:release"));

  private static final TagClass NOOP_AMD =
      TagClass.of(
          List.of("arch:amd64", "task:worker:noop:v1", "worker-type:worker"),
          List.of("workspace:main"));
  private static final TagClass NOOP_ARM =
      TagClass.of(
          List.of("arch:arm64", "task:worker:noop:v1", "worker-type:worker"),
          List.of("workspace:main"));
  private static final TagClass NOOP_RELEASE =
      TagClass.of(
          List.of("arch:amd64", "task:worker:noop:v1", "worker-type:worker"),
          List.of("workspace:release"));
  private static final TagClass ANYTHING = TagClass.of(List.of(), List.of("workspace:release"));

  @Test
  void eachWorkerClassGetsTheClassesItCanRun() {
    CompatibilityIndex index = new CompatibilityIndex();
    index.addTagClass(1, NOOP_AMD);
    index.addTagClass(2, NOOP_ARM);
    index.addTagClass(3, NOOP_RELEASE);
    index.addTagClass(4, ANYTHING);
    assertArrayEquals(new long[] {1, 3, 4}, index.compatibleTagClassIds(AMD));
    assertArrayEquals(new long[] {2, 4}, index.compatibleTagClassIds(ARM));
    assertArrayEquals(new long[] {3, 4}, index.compatibleTagClassIds(RELEASE));
  }

  @Test
  void aNewTagClassUpdatesTheCachedAnswersAndSaysWhoCanTakeIt() {
    CompatibilityIndex index = new CompatibilityIndex();
    index.addTagClass(1, NOOP_AMD);
    assertArrayEquals(new long[] {1}, index.compatibleTagClassIds(AMD));
    assertArrayEquals(new long[] {}, index.compatibleTagClassIds(ARM));
    assertEquals(Set.of(ARM.key()), index.addTagClass(2, NOOP_ARM));
    assertArrayEquals(new long[] {2}, index.compatibleTagClassIds(ARM));
    assertEquals(Set.of(AMD.key(), ARM.key()), index.addTagClass(0, ANYTHING));
    assertArrayEquals(new long[] {0, 1}, index.compatibleTagClassIds(AMD));
    TagClass riscv = TagClass.of(List.of("arch:riscv64"), List.of());
    assertEquals(Set.of(), index.addTagClass(9, riscv), "no worker can run it now");
    assertEquals(Set.of(), index.workerClassesFor(riscv));
  }

  @Test
  void removedClassesAndWorkersAreForgotten() {
    CompatibilityIndex index = new CompatibilityIndex();
    index.addTagClass(1, NOOP_AMD);
    index.addTagClass(4, ANYTHING);
    assertArrayEquals(new long[] {1, 4}, index.compatibleTagClassIds(AMD));
    index.removeTagClass(1);
    assertArrayEquals(new long[] {4}, index.compatibleTagClassIds(AMD));
    index.removeWorkerClass(AMD);
    assertEquals(Set.of(), index.workerClassesFor(ANYTHING));
    index.addTagClass(1, NOOP_AMD); // the id may be reused after removal
    assertArrayEquals(new long[] {1, 4}, index.compatibleTagClassIds(AMD));
  }

  @Test
  void idsAndClassesAreOneToOne() {
    CompatibilityIndex index = new CompatibilityIndex();
    index.addTagClass(1, NOOP_AMD);
    index.addTagClass(1, NOOP_AMD); // idempotent
    assertThrows(IllegalArgumentException.class, () -> index.addTagClass(1, NOOP_ARM));
    assertThrows(IllegalArgumentException.class, () -> index.addTagClass(2, NOOP_AMD));
  }

  @Test
  void answersAreCopies() {
    CompatibilityIndex index = new CompatibilityIndex();
    index.addTagClass(1, NOOP_AMD);
    index.compatibleTagClassIds(AMD)[0] = 99;
    assertArrayEquals(new long[] {1}, index.compatibleTagClassIds(AMD));
  }

  /** The inverted index and the incremental updates agree with checking every pair. */
  @Test
  void agreesWithCheckingEveryPairWhateverTheOrderOfUpdates() {
    Random random = new Random(5);
    List<String> vocabulary = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      vocabulary.add("t:" + i);
    }
    List<TagClass> classes = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      classes.add(TagClass.of(pick(random, vocabulary, 3), pick(random, vocabulary, 3)));
    }
    List<WorkerClass> workers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      workers.add(WorkerClass.of(pick(random, vocabulary, 9), pick(random, vocabulary, 1)));
    }
    CompatibilityIndex index = new CompatibilityIndex();
    List<TagClass> added = new ArrayList<>();
    long id = 0;
    for (TagClass c : classes) {
      if (added.contains(c)) {
        continue;
      }
      index.addTagClass(id++, c);
      added.add(c);
      if (id == 200) {
        // half the workers are asked first with half the classes known, the rest at the end
        workers.subList(0, 15).forEach(index::compatibleTagClassIds);
      }
    }
    int pairs = 0;
    for (WorkerClass w : workers) {
      long[] expected =
          LongStream.range(0, added.size()).filter(i -> added.get((int) i).canRunOn(w)).toArray();
      assertArrayEquals(expected, index.compatibleTagClassIds(w), w.toString());
      pairs += expected.length;
    }
    assertTrue(pairs > 0, "the random fleet must match something, or the test proves nothing");

    // forget every third class, then add more under new ids (reusing freed slots)
    Set<Long> removed = new TreeSet<>();
    for (long i = 0; i < added.size(); i += 3) {
      index.removeTagClass(i);
      removed.add(i);
    }
    Map<Long, TagClass> live = new TreeMap<>();
    for (int i = 0; i < added.size(); i++) {
      if (!removed.contains((long) i)) {
        live.put((long) i, added.get(i));
      }
    }
    for (int i = 0; i < 100; i++) {
      TagClass c = TagClass.of(pick(random, vocabulary, 3), pick(random, vocabulary, 3));
      if (!live.containsValue(c)) {
        index.addTagClass(1000 + i, c);
        live.put(1000L + i, c);
      }
    }
    workers.add(WorkerClass.of(vocabulary, List.of()));
    for (WorkerClass w : workers) {
      long[] expected =
          live.entrySet().stream()
              .filter(e -> e.getValue().canRunOn(w))
              .mapToLong(Map.Entry::getKey)
              .toArray();
      assertArrayEquals(expected, index.compatibleTagClassIds(w), w.toString());
    }
  }

  private static List<String> pick(Random random, List<String> vocabulary, int max) {
    Set<String> out = new TreeSet<>();
    int n = random.nextInt(max + 1);
    while (out.size() < n) {
      out.add(vocabulary.get(random.nextInt(vocabulary.size())));
    }
    return new ArrayList<>(out);
  }
}

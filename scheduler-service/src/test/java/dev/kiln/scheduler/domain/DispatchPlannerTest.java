package dev.kiln.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.scheduler.domain.DispatchPlanner.WorkerSlots;
import dev.kiln.task.Tag;
import dev.kiln.task.TaskType;
import dev.kiln.task.server.TaskTags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DispatchPlannerTest {

  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

  private static PendingWork wr(long id, long tagClass, int priority, int minute) {
    return new PendingWork(id, tagClass, priority, T0.plusSeconds(60L * minute));
  }

  @Test
  void effectivePriorityFirstThenTheOldestThenTheId() {
    List<PendingWork> pending =
        new ArrayList<>(
            List.of(
                wr(1, 1, 0, 5), wr(2, 1, 10, 9), wr(3, 1, 0, 1), wr(4, 1, 0, 1), wr(5, 1, -5, 0)));
    pending.sort(PendingWork.DISPATCH_ORDER);
    assertEquals(List.of(2L, 3L, 4L, 1L, 5L), pending.stream().map(PendingWork::id).toList());
    assertEquals(7, PriorityRules.effective(10, -3));
  }

  @Test
  void workNoCurrentWorkerCanTakeNeverHoldsUpLaterWork() {
    // 1 is the most urgent and oldest, but only riscv64 (class 9) can run it and no such worker is
    // connected; the amd64 worker (class 1 compatible) goes on with 2 and 3.
    List<PendingWork> pending = List.of(wr(1, 9, 100, 0), wr(2, 1, 0, 1), wr(3, 1, 0, 2));
    Map<Long, List<Long>> plan =
        DispatchPlanner.plan(pending, List.of(new WorkerSlots(7, new long[] {1}, 2)));
    assertEquals(Map.of(7L, List.of(2L, 3L)), plan);
  }

  @Test
  void fromTagsToPlanWorkForAMissingArchitectureWaitsAside() {
    TagPolicy policy = TagPolicy.defaults();
    CompatibilityIndex index = new CompatibilityIndex();
    TagClass riscv =
        policy.tagClass(
            TaskType.WORKER,
            new TaskTags(
                Set.of(Tag.system("task:worker:noop:v1"), Tag.user("arch:riscv64")), Set.of()));
    TagClass amd64 =
        policy.tagClass(
            TaskType.WORKER,
            new TaskTags(
                Set.of(Tag.system("task:worker:noop:v1"), Tag.system("arch:amd64")), Set.of()));
    assertEquals(Set.of(), index.addTagClass(1, riscv));
    index.addTagClass(2, amd64);
    WorkerClass worker =
        policy.workerClass(
            WorkerKind.WORKER,
            Set.of(Tag.worker("task:worker:noop:v1"), Tag.worker("arch:amd64")),
            Set.of());
    long[] compatible = index.compatibleTagClassIds(worker);
    List<PendingWork> pending = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      pending.add(wr(i, 1, 50, i)); // a long, urgent riscv64 queue nobody can take
    }
    pending.add(wr(100, 2, 0, 60));
    pending.add(wr(101, 2, 0, 61));
    assertEquals(
        Map.of(3L, List.of(100L)),
        DispatchPlanner.plan(
            pending,
            List.of(
                new WorkerSlots(
                    3,
                    compatible,
                    DispatchPlanner.freeSlots(DispatchPlanner.DEFAULT_CONCURRENCY, 0)))));
  }

  @Test
  void eachWorkerTakesUpToItsFreeSlotsAndNothingIsTakenTwice() {
    List<PendingWork> pending =
        List.of(wr(1, 1, 0, 0), wr(2, 2, 0, 1), wr(3, 1, 0, 2), wr(4, 1, 0, 3), wr(5, 2, 0, 4));
    Map<Long, List<Long>> plan =
        DispatchPlanner.plan(
            pending,
            List.of(
                new WorkerSlots(10, new long[] {1, 2}, 2),
                new WorkerSlots(11, new long[] {1}, 1),
                new WorkerSlots(12, new long[] {2}, 5),
                new WorkerSlots(13, new long[] {1, 2}, 0)));
    assertEquals(List.of(1L, 2L), plan.get(10L));
    assertEquals(List.of(3L), plan.get(11L));
    assertEquals(List.of(5L), plan.get(12L));
    assertEquals(List.of(), plan.get(13L), "a full worker takes nothing");
  }

  @Test
  void concurrencyDefaultsToOneAndFreeSlotsNeverGoNegative() {
    assertEquals(1, DispatchPlanner.DEFAULT_CONCURRENCY);
    assertEquals(1, DispatchPlanner.freeSlots(DispatchPlanner.DEFAULT_CONCURRENCY, 0));
    assertEquals(0, DispatchPlanner.freeSlots(1, 1));
    assertEquals(0, DispatchPlanner.freeSlots(2, 5));
    assertEquals(3, DispatchPlanner.freeSlots(4, 1));
    assertThrows(IllegalArgumentException.class, () -> DispatchPlanner.freeSlots(0, 0));
  }
}

package dev.kiln.workflow.domain.orchestration;

import static dev.kiln.workflow.domain.orchestration.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A fan-out/fan-in of 10,000 children inside a sub-workflow, through synchronization points, built,
 * applied, re-populated and run in memory: the counts and the idempotency hold at scale (no timing
 * is asserted; figures come from benchmarks).
 */
class ScaleTest {

  private static final int N = 10_000;

  @Test
  void tenThousandChildrenThroughSynchronizationPoints() {
    Orchestration orchestration = ProbeOrchestrator.orchestration();
    FakeScheduler s =
        new FakeScheduler(orchestration, 1, "probe", obj("{'mode': 'sub', 'size': " + N + "}"));

    GraphMutation first = s.start();

    // before, after, the sub-workflow, its entry and exit, fan-out, fan-in and N tasks.
    assertEquals(N + 7, first.children().size());
    // Each task: after fan-out, before fan-in; plus entry→before, fan-out→entry, exit→fan-in,
    // after→exit.
    assertEquals(2 * N + 4, first.edges().size());
    assertEquals(N + 7, s.children().size());
    Map<String, ChildState> children = s.children();
    assertEquals(N, children.get("inner/fan-in").dependsOn().size());
    assertEquals(ChildStatus.BLOCKED, children.get("inner/task-9999").status());

    GraphMutation again = orchestration.populate(s.view());
    assertTrue(again.isEmpty(), "re-populating creates nothing");
    assertEquals(new FakeScheduler.Applied(0, true), s.apply(first), "redelivered: a no-op");
    assertEquals(N + 7, s.children().size());

    s.complete("before", ChildResult.SUCCESS);
    assertEquals(N, s.pendingTasks().size(), "the fan-out released every task at once");
    assertEquals(N + 1, s.runAll(ChildResult.SUCCESS)); // N tasks, then "after"

    assertEquals(ChildStatus.COMPLETED, s.child("inner/fan-in").status());
    assertEquals(ChildResult.SUCCESS, s.child("inner").result());
    assertEquals(ChildResult.SUCCESS, s.rootResult());
    assertTrue(orchestration.populate(s.view()).isEmpty(), "still nothing new once finished");
  }
}

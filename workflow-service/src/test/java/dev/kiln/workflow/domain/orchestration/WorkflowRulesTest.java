package dev.kiln.workflow.domain.orchestration;

import static dev.kiln.workflow.domain.orchestration.ChildResult.ERROR;
import static dev.kiln.workflow.domain.orchestration.ChildResult.FAILURE;
import static dev.kiln.workflow.domain.orchestration.ChildResult.SKIPPED;
import static dev.kiln.workflow.domain.orchestration.ChildResult.SUCCESS;
import static dev.kiln.workflow.domain.orchestration.ChildStatus.ABORTED;
import static dev.kiln.workflow.domain.orchestration.ChildStatus.BLOCKED;
import static dev.kiln.workflow.domain.orchestration.ChildStatus.COMPLETED;
import static dev.kiln.workflow.domain.orchestration.ChildStatus.PENDING;
import static dev.kiln.workflow.domain.orchestration.ChildStatus.RUNNING;
import static dev.kiln.workflow.domain.orchestration.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.workflow.domain.orchestration.WorkflowRules.End;
import dev.kiln.workflow.domain.orchestration.WorkflowRules.Gate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The completion, unblocking, abort and retry rules, over child states and in a running graph. */
class WorkflowRulesTest {

  private static long ids = 1;

  static ChildState state(
      String key, ChildStatus status, ChildResult result, boolean allowFailure, String... deps) {
    return state(key, "worker", status, result, allowFailure, deps);
  }

  static ChildState state(
      String key,
      String type,
      ChildStatus status,
      ChildResult result,
      boolean allowFailure,
      String... deps) {
    int slash = key.lastIndexOf('/');
    String parent = slash < 0 ? null : key.substring(0, slash);
    ChildSpec spec =
        new ChildSpec(
            key,
            parent,
            type,
            type.equals("workflow") ? "probe" : "noop",
            obj("{}"),
            WorkflowData.empty().withAllowFailure(allowFailure),
            List.of());
    return new ChildState(spec, ids++, Set.of(deps), status, result);
  }

  @Test
  void aBlockedChildWaitsUnblocksOrIsAborted() {
    assertEquals(Gate.UNBLOCK, WorkflowRules.gate(List.of()));
    assertEquals(
        Gate.UNBLOCK,
        WorkflowRules.gate(
            List.of(state("a", COMPLETED, SUCCESS, false), state("b", COMPLETED, SKIPPED, false))));
    assertEquals(
        Gate.WAIT,
        WorkflowRules.gate(
            List.of(state("a", COMPLETED, SUCCESS, false), state("b", RUNNING, null, false))));
    assertEquals(
        Gate.ABORT,
        WorkflowRules.gate(
            List.of(state("a", COMPLETED, FAILURE, false), state("b", RUNNING, null, false))));
    assertEquals(Gate.ABORT, WorkflowRules.gate(List.of(state("a", COMPLETED, ERROR, false))));
    assertEquals(Gate.ABORT, WorkflowRules.gate(List.of(state("a", ABORTED, null, false))));
    assertEquals(Gate.UNBLOCK, WorkflowRules.gate(List.of(state("a", COMPLETED, FAILURE, true))));
  }

  @Test
  void anAbortedDependencyThatMayFailUnblocksItsDependents() {
    // Debusine leaves these blocked forever (test_dependencies_aborted_allow_failure).
    assertEquals(Gate.UNBLOCK, WorkflowRules.gate(List.of(state("a", ABORTED, null, true))));
  }

  @Test
  void aWorkflowEndsOnlyWhenNoChildIsUnfinished() {
    for (ChildStatus open : List.of(BLOCKED, PENDING, RUNNING)) {
      assertEquals(
          Optional.empty(),
          WorkflowRules.completion(
              List.of(state("a", COMPLETED, SUCCESS, false), state("b", open, null, false))));
    }
    assertEquals(Optional.of(End.SUCCESS), WorkflowRules.completion(List.of()));
    assertEquals(
        Optional.of(End.SUCCESS),
        WorkflowRules.completion(
            List.of(
                state("a", COMPLETED, SUCCESS, false),
                state("b", COMPLETED, SKIPPED, false),
                state("c", COMPLETED, FAILURE, true),
                state("d", COMPLETED, ERROR, true))));
    assertEquals(
        Optional.of(End.FAILURE),
        WorkflowRules.completion(
            List.of(state("a", COMPLETED, SUCCESS, false), state("b", COMPLETED, ERROR, false))));
    assertEquals(
        Optional.of(End.ABORTED),
        WorkflowRules.completion(
            List.of(state("a", COMPLETED, FAILURE, false), state("b", ABORTED, null, true))));
  }

  @Test
  void abortingAWorkflowAbortsEveryUnfinishedDescendant() {
    List<ChildState> children =
        List.of(
            state("done", COMPLETED, SUCCESS, false),
            state("run", RUNNING, null, false),
            state("sub", "workflow", RUNNING, null, false),
            state("sub/wait", BLOCKED, null, false),
            state("sub/ok", COMPLETED, SUCCESS, false),
            state("sub/deeper", "workflow", RUNNING, null, false),
            state("sub/deeper/p", PENDING, null, false),
            state("subway", PENDING, null, false));
    assertEquals(
        List.of("run", "sub", "sub/wait", "sub/deeper", "sub/deeper/p", "subway"),
        WorkflowRules.abortCascade(null, children));
    assertEquals(
        List.of("sub/wait", "sub/deeper", "sub/deeper/p"),
        WorkflowRules.abortCascade("sub", children),
        "the sibling 'subway' is not under 'sub/'");
  }

  @Test
  void aRetryReopensFailedWorkflowsAndRetriesFailedTasksDependenciesFirst() {
    List<ChildState> children =
        List.of(
            state("ok", COMPLETED, SUCCESS, false),
            state("test", ABORTED, null, false, "build"),
            state("build", COMPLETED, FAILURE, false),
            state("sub", "workflow", ABORTED, null, false),
            state("sub/err", COMPLETED, ERROR, false),
            state("sub/x", ABORTED, null, false, "sub/err"),
            state("allowed", COMPLETED, FAILURE, true));
    WorkflowRules.RetryPlan plan = WorkflowRules.retryPlan(null, COMPLETED, FAILURE, children);
    assertEquals(List.of("sub"), plan.reopen());
    assertEquals(List.of("allowed", "build", "sub/err", "sub/x", "test"), plan.retry());
    assertThrows(
        IllegalStateException.class, () -> WorkflowRules.retryPlan(null, RUNNING, null, children));
    assertThrows(
        IllegalStateException.class,
        () -> WorkflowRules.retryPlan(null, COMPLETED, SUCCESS, children));
  }

  // --- the rules at work in the in-memory scheduler ---

  private static FakeScheduler scheduler(String data) {
    return new FakeScheduler(ProbeOrchestrator.orchestration(), 100, "probe", obj(data));
  }

  @Test
  void aFailureAbortsDependentsAndFailsTheWorkflow() {
    FakeScheduler s = scheduler("{'mode': 'fanout', 'size': 2}");
    s.start();
    assertEquals(COMPLETED, s.child("fan-out").status(), "a sync point completes at once");
    assertEquals(List.of("task-0", "task-1"), s.pendingTasks());

    s.complete("task-0", FAILURE);
    assertEquals(ABORTED, s.child("fan-in").status(), "aborted as soon as a dependency failed");
    assertEquals(RUNNING, s.rootStatus(), "task-1 is still pending");
    s.complete("task-1", SUCCESS);

    assertEquals(ABORTED, s.rootStatus(), "a child was aborted");
  }

  @Test
  void aFailedChildAllowedToFailLetsItsDependentsRunAndTheWorkflowSucceed() {
    FakeScheduler s = scheduler("{'mode': 'allow-failure'}");
    s.start();
    assertEquals(BLOCKED, s.child("after").status());

    s.complete("flaky", FAILURE);
    assertEquals(PENDING, s.child("after").status());
    s.complete("after", SUCCESS);
    assertEquals(COMPLETED, s.rootStatus());
    assertEquals(SUCCESS, s.rootResult(), "the failure was allowed");
  }

  @Test
  void anAbortedChildAllowedToFailLeavesNoDependentBlocked() {
    FakeScheduler s = scheduler("{'mode': 'allow-failure'}");
    s.start();

    s.abortChild("flaky");

    assertEquals(PENDING, s.child("after").status(), "Debusine would leave it blocked forever");
    assertEquals(RUNNING, s.rootStatus());
    s.complete("after", SUCCESS);
    assertEquals(ABORTED, s.rootStatus(), "the workflow ends: aborted, as a child was");
  }

  @Test
  void abortingTheWorkflowAbortsEveryUnfinishedChild() {
    FakeScheduler s = scheduler("{'mode': 'sub'}");
    s.start();
    s.complete("before", SUCCESS);
    s.abort();

    assertEquals(ABORTED, s.rootStatus());
    assertEquals(COMPLETED, s.child("before").status());
    s.children().values().stream()
        .filter(
            c ->
                !c.key().equals("before")
                    && !c.key().equals("inner/entry")
                    && !c.key().equals("inner/fan-out"))
        .forEach(c -> assertEquals(ABORTED, c.status(), c.key()));
    assertEquals(List.of(), s.pendingTasks());
  }

  @Test
  void aRetryReOrchestratesAndRetriesFailedChildrenUntilSuccess() {
    FakeScheduler s = scheduler("{'mode': 'sub'}");
    s.start();
    s.complete("before", SUCCESS);
    s.complete("inner/task-0", FAILURE);
    s.complete("inner/task-1", SUCCESS);
    assertEquals(ABORTED, s.child("after").status());
    assertEquals(ABORTED, s.child("inner").status(), "its fan-in was aborted");
    assertEquals(ABORTED, s.rootStatus());
    long oldTask = s.child("inner/task-0").workRequestId();

    WorkflowRules.RetryPlan plan = s.retry();

    assertEquals(List.of("inner"), plan.reopen());
    assertEquals(List.of("inner/task-0", "inner/fan-in", "inner/exit", "after"), plan.retry());
    assertEquals(4, s.supersededCount());
    assertEquals(RUNNING, s.rootStatus());
    ChildState retried = s.child("inner/task-0");
    assertEquals(PENDING, retried.status());
    assertEquals(true, retried.workRequestId() != oldTask, "a new work request supersedes it");
    assertEquals(BLOCKED, s.child("after").status());

    s.runAll(SUCCESS);
    assertEquals(COMPLETED, s.rootStatus());
    assertEquals(SUCCESS, s.rootResult());
    assertEquals(SUCCESS, s.child("inner").result());
  }
}

package dev.kiln.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import dev.kiln.scheduler.domain.TaskTypeRules.Callback;
import dev.kiln.scheduler.domain.TaskTypeRules.Route;
import dev.kiln.task.TaskType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskTypeRulesTest {

  private static List<String> fields(List<FieldError> errors) {
    return errors.stream().map(FieldError::field).toList();
  }

  @Test
  void everyTaskTypeHasARoute() {
    assertEquals(Route.WORKER_AGENT, TaskTypeRules.route(TaskType.WORKER, "sbuild"));
    assertEquals(Route.SIGNING_AGENT, TaskTypeRules.route(TaskType.SIGNING, "sign"));
    assertEquals(Route.SERVER_RUNNER, TaskTypeRules.route(TaskType.SERVER, "aptmirror"));
    assertEquals(Route.ORCHESTRATOR, TaskTypeRules.route(TaskType.WORKFLOW, "sbuild"));
    assertEquals(Route.WAIT_TIMER, TaskTypeRules.route(TaskType.WAIT, "delay"));
    assertEquals(Route.WAIT_API, TaskTypeRules.route(TaskType.WAIT, "externaldebsign"));
    assertEquals(
        Route.COMPLETE_AT_ONCE, TaskTypeRules.route(TaskType.INTERNAL, "synchronization_point"));
    assertEquals(Route.WORKFLOW_CALLBACK, TaskTypeRules.route(TaskType.INTERNAL, "workflow"));
    assertThrows(
        IllegalArgumentException.class, () -> TaskTypeRules.route(TaskType.INTERNAL, "other"));
    for (TaskType t : TaskType.values()) {
      Route r = TaskTypeRules.route(t, t == TaskType.INTERNAL ? "workflow" : "x");
      assertEquals(t.isRunByWorker(), r.needsWorker(), t.wire());
    }
  }

  @Test
  void aSynchronizationPointCompletesAtOnceWhenPending() {
    Route r = TaskTypeRules.route(TaskType.INTERNAL, "synchronization_point");
    assertEquals(WorkRequestStatus.COMPLETED, r.nextStatus());
    assertTrue(WorkRequestStatus.PENDING.canTransitionTo(r.nextStatus()));
    assertEquals(WorkRequestStatus.RUNNING, Route.WAIT_TIMER.nextStatus());
  }

  @Test
  void signingAndServerTasksAreCreatedByWorkflowsOrAdminsOnly() {
    for (TaskType t : List.of(TaskType.SIGNING, TaskType.SERVER)) {
      assertEquals(
          List.of("task_type"),
          fields(TaskTypeRules.checkCreate(t, "x", CreatorKind.USER, null, Map.of())),
          t.wire());
      assertEquals(List.of(), TaskTypeRules.checkCreate(t, "x", CreatorKind.ADMIN, null, Map.of()));
      assertEquals(
          List.of(),
          TaskTypeRules.checkCreate(t, "x", CreatorKind.WORKFLOW, TaskType.WORKFLOW, Map.of()));
    }
  }

  @Test
  void usersCreateWorkerAndWorkflowWorkRequests() {
    assertEquals(
        List.of(),
        TaskTypeRules.checkCreate(TaskType.WORKER, "noop", CreatorKind.USER, null, null));
    assertEquals(
        List.of(),
        TaskTypeRules.checkCreate(TaskType.WORKFLOW, "sbuild", CreatorKind.USER, null, Map.of()));
  }

  @Test
  void internalTasksBelongToAWorkflowAndACallbackNamesItsStep() {
    assertEquals(
        List.of("task_type", "parent"),
        fields(
            TaskTypeRules.checkCreate(
                TaskType.INTERNAL, "synchronization_point", CreatorKind.USER, null, Map.of())));
    assertEquals(
        List.of("workflow_data.step"),
        fields(
            TaskTypeRules.checkCreate(
                TaskType.INTERNAL, "workflow", CreatorKind.WORKFLOW, TaskType.WORKFLOW, Map.of())));
    assertEquals(
        List.of("workflow_data.step"),
        fields(
            TaskTypeRules.checkCreate(
                TaskType.INTERNAL,
                "workflow",
                CreatorKind.WORKFLOW,
                TaskType.WORKFLOW,
                Map.of("step", " "))));
    assertEquals(
        List.of(),
        TaskTypeRules.checkCreate(
            TaskType.INTERNAL,
            "workflow",
            CreatorKind.WORKFLOW,
            TaskType.WORKFLOW,
            Map.of("step", "populate-tests")));
  }

  @Test
  void onlyWorkflowsHaveChildren() {
    assertEquals(
        List.of("parent"),
        fields(
            TaskTypeRules.checkCreate(
                TaskType.WORKER, "noop", CreatorKind.WORKFLOW, TaskType.WORKER, Map.of())));
  }

  @Test
  void waitTasksNeedNeedsInput() {
    assertEquals(
        List.of("workflow_data.needs_input"),
        fields(
            TaskTypeRules.checkCreate(TaskType.WAIT, "delay", CreatorKind.USER, null, Map.of())));
    assertEquals(
        List.of("workflow_data.needs_input"),
        fields(
            TaskTypeRules.checkCreate(
                TaskType.WAIT, "delay", CreatorKind.USER, null, Map.of("needs_input", "no"))));
    assertEquals(
        List.of(),
        TaskTypeRules.checkCreate(
            TaskType.WAIT, "delay", CreatorKind.USER, null, Map.of("needs_input", false)));
  }

  @Test
  void neverTwoCallbacksOfOneWorkflowInFlight() {
    List<Callback> pending =
        List.of(new Callback(10, 1), new Callback(11, 1), new Callback(12, 2), new Callback(13, 3));
    assertEquals(
        List.of(10L, 13L),
        TaskTypeRules.startableCallbacks(pending, Set.of(2L)),
        "workflow 1 starts its first callback only; workflow 2 has one running");
    assertEquals(List.of(), TaskTypeRules.startableCallbacks(List.of(), Set.of()));
  }

  @Test
  void aDelayIsDueWhenItsTimeIsReached() {
    Instant until = Instant.parse("2026-12-01T12:00:00Z");
    assertFalse(TaskTypeRules.delayDue(until, until.minusMillis(1)));
    assertTrue(TaskTypeRules.delayDue(until, until));
    assertTrue(TaskTypeRules.delayDue(until, until.plusSeconds(1)));
  }

  @Test
  void otherWaitTasksAreCompletedByTheirCreatorOrAnAdmin() {
    assertDoesNotThrow(
        () ->
            TaskTypeRules.checkWaitCompletion(
                5,
                TaskType.WAIT,
                "externaldebsign",
                WorkRequestStatus.RUNNING,
                CreatorKind.USER,
                true));
    assertDoesNotThrow(
        () ->
            TaskTypeRules.checkWaitCompletion(
                5,
                TaskType.WAIT,
                "externaldebsign",
                WorkRequestStatus.RUNNING,
                CreatorKind.ADMIN,
                false));
    ApiException stranger =
        assertThrows(
            ApiException.class,
            () ->
                TaskTypeRules.checkWaitCompletion(
                    5,
                    TaskType.WAIT,
                    "externaldebsign",
                    WorkRequestStatus.RUNNING,
                    CreatorKind.USER,
                    false));
    assertEquals(ApiException.Kind.FORBIDDEN, stranger.kind());
    for (Runnable r :
        List.<Runnable>of(
            () ->
                TaskTypeRules.checkWaitCompletion(
                    5, TaskType.WAIT, "delay", WorkRequestStatus.RUNNING, CreatorKind.ADMIN, true),
            () ->
                TaskTypeRules.checkWaitCompletion(
                    5,
                    TaskType.WAIT,
                    "externaldebsign",
                    WorkRequestStatus.PENDING,
                    CreatorKind.ADMIN,
                    true),
            () ->
                TaskTypeRules.checkWaitCompletion(
                    5,
                    TaskType.WORKER,
                    "noop",
                    WorkRequestStatus.RUNNING,
                    CreatorKind.ADMIN,
                    true))) {
      assertEquals(
          ApiException.Kind.PRECONDITION_FAILED, assertThrows(ApiException.class, r::run).kind());
    }
  }
}

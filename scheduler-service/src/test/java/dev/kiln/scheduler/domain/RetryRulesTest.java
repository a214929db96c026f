package dev.kiln.scheduler.domain;

import static dev.kiln.scheduler.domain.DependencyRulesTest.blocked;
import static dev.kiln.scheduler.domain.DependencyRulesTest.done;
import static dev.kiln.scheduler.domain.DependencyRulesTest.status;
import static dev.kiln.scheduler.domain.WorkRequestResult.ERROR;
import static dev.kiln.scheduler.domain.WorkRequestResult.FAILURE;
import static dev.kiln.scheduler.domain.WorkRequestResult.SKIPPED;
import static dev.kiln.scheduler.domain.WorkRequestResult.SUCCESS;
import static dev.kiln.scheduler.domain.WorkRequestStatus.ABORTED;
import static dev.kiln.scheduler.domain.WorkRequestStatus.BLOCKED;
import static dev.kiln.scheduler.domain.WorkRequestStatus.COMPLETED;
import static dev.kiln.scheduler.domain.WorkRequestStatus.PENDING;
import static dev.kiln.scheduler.domain.WorkRequestStatus.RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.common.problem.ApiException;
import dev.kiln.scheduler.domain.RetryRules.Candidate;
import dev.kiln.scheduler.domain.RetryRules.Plan;
import dev.kiln.scheduler.domain.RetryRules.Reason;
import dev.kiln.task.TaskType;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryRulesTest {

  private static Candidate wr(TaskType type, WorkRequestStatus s, WorkRequestResult r) {
    return new Candidate(5, type, s, r, false, 0, null);
  }

  @Test
  void abortedFailedAndErroredWorkRequestsAreRetriable() {
    assertTrue(RetryRules.isRetriable(wr(TaskType.WORKER, ABORTED, null)));
    assertTrue(RetryRules.isRetriable(wr(TaskType.WORKER, COMPLETED, FAILURE)));
    // Debusine refuses completed/error, the very outcome of an infrastructure fault: not here.
    assertTrue(RetryRules.isRetriable(wr(TaskType.WORKER, COMPLETED, ERROR)));
  }

  @Test
  void successesAndUnfinishedWorkAreNot() {
    assertFalse(RetryRules.isRetriable(wr(TaskType.WORKER, COMPLETED, SUCCESS)));
    assertFalse(RetryRules.isRetriable(wr(TaskType.WORKER, COMPLETED, SKIPPED)));
    for (WorkRequestStatus s : List.of(BLOCKED, PENDING, RUNNING)) {
      ApiException e =
          assertThrows(
              ApiException.class, () -> RetryRules.checkRetriable(wr(TaskType.WORKER, s, null)));
      assertTrue(e.getMessage().contains("work request 5 is " + s.wire()), e.getMessage());
    }
  }

  @Test
  void retriableTypes() {
    for (TaskType t : TaskType.values()) {
      boolean expected =
          Set.of(TaskType.WORKER, TaskType.SIGNING, TaskType.INTERNAL, TaskType.WORKFLOW)
              .contains(t);
      assertEquals(expected, RetryRules.isRetriable(wr(t, ABORTED, null)), t.wire());
    }
  }

  @Test
  void aSupersededWorkRequestOrOneInAFinishedWorkflowIsNot() {
    ApiException superseded =
        assertThrows(
            ApiException.class,
            () ->
                RetryRules.checkRetriable(
                    new Candidate(5, TaskType.WORKER, ABORTED, null, true, 0, null)));
    assertTrue(superseded.getMessage().contains("superseded"));
    ApiException finished =
        assertThrows(
            ApiException.class,
            () ->
                RetryRules.checkRetriable(
                    new Candidate(5, TaskType.WORKER, ABORTED, null, false, 0, COMPLETED)));
    assertTrue(finished.getMessage().contains("retry the workflow"));
    assertTrue(
        RetryRules.isRetriable(
            new Candidate(5, TaskType.WORKER, ABORTED, null, false, 0, RUNNING)));
  }

  @Test
  void theRetryTakesOverTheDependentsStillWaiting() {
    Plan plan =
        RetryRules.plan(
            new Candidate(5, TaskType.WORKER, COMPLETED, FAILURE, false, 2, RUNNING),
            Reason.MANUAL,
            UnblockStrategy.DEPS,
            true,
            List.of(done(1, SUCCESS), done(2, SKIPPED)),
            List.of(
                blocked(10),
                status(11, PENDING), // unblocked thanks to allow_failure on 5: waits again
                status(12, RUNNING),
                done(13, SUCCESS),
                status(14, ABORTED)));
    assertEquals(5, plan.supersedes());
    assertEquals(PENDING, plan.status(), "its dependencies are satisfied");
    assertEquals(Set.of(1L, 2L), plan.dependencies());
    assertEquals(Set.of(10L, 11L), plan.rewired());
    assertEquals(Set.of(11L), plan.reblocked());
    assertEquals(0, plan.retryCount(), "a manual retry starts counting again");
  }

  @Test
  void aDelayedRetryCountsAndWaitsForItsDelay() {
    DependencyNode delay = status(30, PENDING);
    Plan plan =
        RetryRules.plan(
            new Candidate(5, TaskType.WORKER, COMPLETED, FAILURE, false, 1, RUNNING),
            Reason.DELAY,
            UnblockStrategy.DEPS,
            true,
            List.of(done(1, SUCCESS), delay),
            List.of());
    assertEquals(2, plan.retryCount());
    assertEquals(BLOCKED, plan.status());
    assertEquals(Set.of(1L, 30L), plan.dependencies());
  }

  @Test
  void aRetryWaitsUntilAFailedDependencyIsRetriedFirst() {
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                RetryRules.plan(
                    wr(TaskType.WORKER, ABORTED, null),
                    Reason.MANUAL,
                    UnblockStrategy.DEPS,
                    true,
                    List.of(done(3, ERROR)),
                    List.of()));
    assertTrue(e.getMessage().contains("dependency 3"), e.getMessage());
  }

  @Test
  void aRetryOfAManualWorkRequestStartsBlocked() {
    Plan plan =
        RetryRules.plan(
            wr(TaskType.WORKER, ABORTED, null),
            Reason.MANUAL,
            UnblockStrategy.MANUAL,
            true,
            List.of(),
            List.of());
    assertEquals(BLOCKED, plan.status());
  }
}

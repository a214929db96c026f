package dev.kiln.task.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.task.workflow.WorkflowCompletion.Child;
import dev.kiln.task.workflow.WorkflowCompletion.End;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkflowCompletionTest {

  private static Child done(String result, boolean allowFailure) {
    return new Child("completed", result, allowFailure);
  }

  @Test
  void anUnfinishedChildKeepsTheWorkflowOpen() {
    for (String open : List.of("blocked", "pending", "running")) {
      assertEquals(
          Optional.empty(),
          WorkflowCompletion.of(List.of(done("success", false), new Child(open, "", false))),
          open);
    }
  }

  @Test
  void successWhenEveryChildSucceededWasSkippedOrWasAllowedToFail() {
    assertEquals(
        Optional.of(End.SUCCESS),
        WorkflowCompletion.of(
            List.of(done("success", false), done("skipped", false), done("failure", true))));
    assertEquals(Optional.of(End.SUCCESS), WorkflowCompletion.of(List.of()));
  }

  @Test
  void failureOrErrorWithoutAllowFailureFailsTheWorkflow() {
    assertEquals(
        Optional.of(End.FAILURE),
        WorkflowCompletion.of(List.of(done("success", false), done("failure", false))));
    assertEquals(Optional.of(End.FAILURE), WorkflowCompletion.of(List.of(done("error", false))));
  }

  @Test
  void anAbortedChildAbortsTheWorkflowEvenWithAllowFailure() {
    assertEquals(
        Optional.of(End.ABORTED),
        WorkflowCompletion.of(List.of(done("failure", false), new Child("aborted", "", true))));
  }
}

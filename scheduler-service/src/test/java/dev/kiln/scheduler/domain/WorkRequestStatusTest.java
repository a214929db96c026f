package dev.kiln.scheduler.domain;

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
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkRequestStatusTest {

  /** The whole table, written out independently of the code. */
  private static final Map<WorkRequestStatus, Set<WorkRequestStatus>> LEGAL =
      Map.of(
          BLOCKED, EnumSet.of(PENDING, ABORTED),
          PENDING, EnumSet.of(BLOCKED, RUNNING, COMPLETED, ABORTED),
          RUNNING, EnumSet.of(PENDING, COMPLETED, ABORTED),
          COMPLETED, EnumSet.noneOf(WorkRequestStatus.class),
          ABORTED, EnumSet.noneOf(WorkRequestStatus.class));

  @Test
  void everyPairIsEitherInTheTableOrRefusedByName() {
    for (WorkRequestStatus from : WorkRequestStatus.values()) {
      assertEquals(LEGAL.get(from), WorkRequestStatus.TRANSITIONS.get(from), from.wire());
      for (WorkRequestStatus to : WorkRequestStatus.values()) {
        if (LEGAL.get(from).contains(to)) {
          assertTrue(from.canTransitionTo(to));
          assertEquals(to, from.transitionTo(to));
        } else {
          assertFalse(from.canTransitionTo(to), from + " -> " + to);
          IllegalTransitionException e =
              assertThrows(IllegalTransitionException.class, () -> from.transitionTo(to));
          assertTrue(e.getMessage().contains(from.wire() + " -> " + to.wire()), e.getMessage());
          assertEquals(from, e.from());
          assertEquals(to, e.to());
          assertEquals(ApiException.Kind.PRECONDITION_FAILED, e.kind());
        }
      }
    }
  }

  @Test
  void terminalStatusesNeverChange() {
    for (WorkRequestStatus terminal : EnumSet.of(COMPLETED, ABORTED)) {
      assertTrue(terminal.isTerminal());
      for (WorkRequestStatus next : WorkRequestStatus.values()) {
        assertFalse(terminal.canTransitionTo(next), terminal + " -> " + next);
      }
      assertTrue(
          assertThrows(IllegalTransitionException.class, () -> terminal.transitionTo(PENDING))
              .getMessage()
              .contains("is terminal"));
    }
    for (WorkRequestStatus s : EnumSet.of(BLOCKED, PENDING, RUNNING)) {
      assertFalse(s.isTerminal());
    }
  }

  @Test
  void theTableCannotBeChanged() {
    assertThrows(
        UnsupportedOperationException.class,
        () -> WorkRequestStatus.TRANSITIONS.get(COMPLETED).add(PENDING));
  }

  @Test
  void wireNamesAreLowerCase() {
    assertEquals("running", RUNNING.wire());
    assertEquals(BLOCKED, WorkRequestStatus.fromWire("blocked"));
    assertEquals("skipped", WorkRequestResult.SKIPPED.wire());
    assertEquals(WorkRequestResult.ERROR, WorkRequestResult.fromWire("error"));
    assertEquals(UnblockStrategy.MANUAL, UnblockStrategy.fromWire("manual"));
    assertEquals("deps", UnblockStrategy.DEPS.wire());
  }

  @Test
  void successAndSkippedAreSuccessful() {
    assertTrue(WorkRequestResult.SUCCESS.isSuccessful());
    assertTrue(WorkRequestResult.SKIPPED.isSuccessful());
    assertFalse(WorkRequestResult.FAILURE.isSuccessful());
    assertFalse(WorkRequestResult.ERROR.isSuccessful());
  }
}

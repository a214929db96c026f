package dev.kiln.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class WorkRequestStatusTest {

  @Test
  void terminalStatusesNeverChange() {
    for (WorkRequestStatus terminal :
        EnumSet.of(WorkRequestStatus.COMPLETED, WorkRequestStatus.ABORTED)) {
      assertTrue(terminal.isTerminal());
      for (WorkRequestStatus next : WorkRequestStatus.values()) {
        assertFalse(terminal.canTransitionTo(next), terminal + " -> " + next);
      }
    }
  }

  @Test
  void legalPathsOfTheArchitecture() {
    assertTrue(WorkRequestStatus.BLOCKED.canTransitionTo(WorkRequestStatus.PENDING));
    assertTrue(WorkRequestStatus.PENDING.canTransitionTo(WorkRequestStatus.RUNNING));
    assertTrue(WorkRequestStatus.RUNNING.canTransitionTo(WorkRequestStatus.COMPLETED));
    assertTrue(WorkRequestStatus.RUNNING.canTransitionTo(WorkRequestStatus.PENDING)); // lost lease
    assertTrue(
        WorkRequestStatus.PENDING.canTransitionTo(WorkRequestStatus.COMPLETED)); // sync point
    for (WorkRequestStatus s :
        EnumSet.of(
            WorkRequestStatus.BLOCKED, WorkRequestStatus.PENDING, WorkRequestStatus.RUNNING)) {
      assertTrue(s.canTransitionTo(WorkRequestStatus.ABORTED), s + " -> aborted");
    }
    assertFalse(WorkRequestStatus.BLOCKED.canTransitionTo(WorkRequestStatus.RUNNING));
    assertFalse(WorkRequestStatus.BLOCKED.canTransitionTo(WorkRequestStatus.COMPLETED));
  }

  @Test
  void wireNamesAreLowerCase() {
    assertEquals("running", WorkRequestStatus.RUNNING.wire());
    assertEquals(WorkRequestStatus.BLOCKED, WorkRequestStatus.fromWire("blocked"));
    assertEquals("skipped", WorkRequestResult.SKIPPED.wire());
  }
}

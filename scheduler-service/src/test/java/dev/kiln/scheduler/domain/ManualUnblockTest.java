package dev.kiln.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.common.problem.ApiException;
import dev.kiln.scheduler.domain.ManualUnblock.Action;
import dev.kiln.scheduler.domain.ManualUnblock.LogEntry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManualUnblockTest {

  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
  private static final DependencyNode MANUAL =
      new DependencyNode(7, WorkRequestStatus.BLOCKED, null, false, UnblockStrategy.MANUAL, true);

  private static LogEntry entry(Action a) {
    return new LogEntry("alice", AT, "looks good", a);
  }

  @Test
  void acceptUnblocksRejectAbortsANoteOnlyLogs() {
    var accept = ManualUnblock.review(MANUAL, true, List.of(), entry(Action.ACCEPT));
    assertEquals(Optional.of(WorkRequestStatus.PENDING), accept.newStatus());
    var reject = ManualUnblock.review(MANUAL, true, List.of(), entry(Action.REJECT));
    assertEquals(Optional.of(WorkRequestStatus.ABORTED), reject.newStatus());
    var note = ManualUnblock.review(MANUAL, true, List.of(), entry(Action.NONE));
    assertEquals(Optional.empty(), note.newStatus());
    assertEquals("looks good", note.entry().notes());
  }

  @Test
  void theLogEntryIsStoredWithUserTimestampNotesAndAction() {
    var json = entry(Action.ACCEPT).toJson();
    assertEquals("alice", json.get("user"));
    assertEquals("2026-12-01T10:00:00Z", json.get("timestamp"));
    assertEquals("looks good", json.get("notes"));
    assertEquals("accept", json.get("action"));
    assertEquals(null, entry(Action.NONE).toJson().get("action"));
    assertEquals("", new LogEntry("bob", AT, null, Action.REJECT).notes());
  }

  @Test
  void acceptWaitsForDependencies() {
    DependencyNode running =
        new DependencyNode(3, WorkRequestStatus.RUNNING, null, false, UnblockStrategy.DEPS, true);
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> ManualUnblock.review(MANUAL, true, List.of(running), entry(Action.ACCEPT)));
    assertTrue(e.getMessage().contains("dependency 3"), e.getMessage());
    // a reject is fine meanwhile
    assertEquals(
        Optional.of(WorkRequestStatus.ABORTED),
        ManualUnblock.review(MANUAL, true, List.of(running), entry(Action.REJECT)).newStatus());
  }

  @Test
  void onlyBlockedManualWorkRequestsOfARunningWorkflowAreReviewed() {
    DependencyNode deps =
        new DependencyNode(7, WorkRequestStatus.BLOCKED, null, false, UnblockStrategy.DEPS, true);
    DependencyNode pending =
        new DependencyNode(7, WorkRequestStatus.PENDING, null, false, UnblockStrategy.MANUAL, true);
    DependencyNode parked =
        new DependencyNode(
            7, WorkRequestStatus.BLOCKED, null, false, UnblockStrategy.MANUAL, false);
    for (var bad :
        List.<Runnable>of(
            () -> ManualUnblock.review(deps, true, List.of(), entry(Action.ACCEPT)),
            () -> ManualUnblock.review(MANUAL, false, List.of(), entry(Action.ACCEPT)),
            () -> ManualUnblock.review(pending, true, List.of(), entry(Action.ACCEPT)),
            () -> ManualUnblock.review(parked, true, List.of(), entry(Action.ACCEPT)))) {
      ApiException e = assertThrows(ApiException.class, bad::run);
      assertEquals(ApiException.Kind.PRECONDITION_FAILED, e.kind());
      assertTrue(e.getMessage().contains("work request 7"), e.getMessage());
    }
  }
}

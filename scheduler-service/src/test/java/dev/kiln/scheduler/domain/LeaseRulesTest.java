package dev.kiln.scheduler.domain;

import static dev.kiln.scheduler.domain.WorkRequestResult.FAILURE;
import static dev.kiln.scheduler.domain.WorkRequestResult.SUCCESS;
import static dev.kiln.scheduler.domain.WorkRequestStatus.ABORTED;
import static dev.kiln.scheduler.domain.WorkRequestStatus.COMPLETED;
import static dev.kiln.scheduler.domain.WorkRequestStatus.PENDING;
import static dev.kiln.scheduler.domain.WorkRequestStatus.RUNNING;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.common.problem.ApiException;
import dev.kiln.scheduler.domain.LeaseRules.Fail;
import dev.kiln.scheduler.domain.LeaseRules.Report;
import dev.kiln.scheduler.domain.LeaseRules.Requeue;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LeaseRulesTest {

  @Test
  void threeAutomaticRetriesThenErrorWorkerLost() {
    int retries = 0;
    for (int i = 0; i < LeaseRules.MAX_AUTOMATIC_RETRIES; i++) {
      var expiry = LeaseRules.onLeaseExpired(retries, LeaseRules.MAX_AUTOMATIC_RETRIES);
      retries = ((Requeue) expiry).retryCount();
    }
    assertEquals(3, retries);
    var last = LeaseRules.onLeaseExpired(retries, LeaseRules.MAX_AUTOMATIC_RETRIES);
    Fail fail = (Fail) last;
    assertEquals("worker-lost", fail.code());
    assertEquals(WorkRequestResult.ERROR, fail.result());
    assertTrue(fail.message().contains("3 automatic retries"));
    assertTrue(RUNNING.canTransitionTo(PENDING) && RUNNING.canTransitionTo(COMPLETED));
  }

  @Test
  void theCurrentAttemptOfTheAssignedWorkerIsAccepted() {
    assertEquals(Report.ACCEPT, LeaseRules.checkReport(1, RUNNING, null, 7L, 2, 7, 2, SUCCESS));
  }

  @Test
  void aStaleAttemptIsRefused() {
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> LeaseRules.checkReport(1, RUNNING, null, 7L, 3, 7, 2, SUCCESS));
    assertEquals(ApiException.Kind.PRECONDITION_FAILED, e.kind());
    assertTrue(
        e.getMessage().contains("attempt 2") && e.getMessage().contains("current attempt 3"));
    // the old holder after the work went to another worker
    assertThrows(
        ApiException.class, () -> LeaseRules.checkReport(1, RUNNING, null, 8L, 2, 7, 2, SUCCESS));
    // after a lost lease: pending, no worker
    assertThrows(
        ApiException.class, () -> LeaseRules.checkReport(1, PENDING, null, null, 2, 7, 2, SUCCESS));
  }

  @Test
  void theSameReportTwiceIsRecordedOnce() {
    assertEquals(
        Report.DUPLICATE, LeaseRules.checkReport(1, COMPLETED, SUCCESS, 7L, 2, 7, 2, SUCCESS));
    assertThrows(
        ApiException.class,
        () -> LeaseRules.checkReport(1, COMPLETED, SUCCESS, 7L, 2, 7, 2, FAILURE),
        "another result for a completed work request");
    assertThrows(
        ApiException.class, () -> LeaseRules.checkReport(1, ABORTED, null, 7L, 2, 7, 2, SUCCESS));
  }

  @Test
  void timeLimits() {
    Instant started = Instant.parse("2026-12-01T08:00:00Z");
    Duration limit = Duration.ofHours(2);
    assertEquals(started.plus(limit), LeaseRules.deadline(started, limit));
    assertNull(LeaseRules.deadline(started, null));
    assertFalse(LeaseRules.timeLimitExceeded(started, limit, started.plus(limit)));
    assertTrue(LeaseRules.timeLimitExceeded(started, limit, started.plus(limit).plusSeconds(1)));
    assertFalse(LeaseRules.timeLimitExceeded(started, null, started.plus(Duration.ofDays(999))));
    Duration max = Duration.ofDays(7);
    assertDoesNotThrow(() -> LeaseRules.checkTimeLimit(limit, max));
    for (Duration bad :
        new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), Duration.ofDays(8)}) {
      ApiException e = assertThrows(ApiException.class, () -> LeaseRules.checkTimeLimit(bad, max));
      assertEquals("time_limit", e.errors().get(0).field());
    }
    assertEquals("time-limit-exceeded", LeaseRules.TIME_LIMIT_EXCEEDED);
  }
}

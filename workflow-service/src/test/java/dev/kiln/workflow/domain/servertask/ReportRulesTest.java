package dev.kiln.workflow.domain.servertask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.workflow.domain.servertask.ReportRules.Verdict;
import org.junit.jupiter.api.Test;

/** A repeated report is harmless; only transport failures and 5xx are retried. */
class ReportRulesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void answersToACompletion() {
    assertEquals(Verdict.ACCEPTED, ReportRules.afterComplete(200));
    assertEquals(Verdict.RETRY, ReportRules.afterComplete(503));
    assertEquals(Verdict.RETRY, ReportRules.afterComplete(429));
    assertEquals(Verdict.REFUSED, ReportRules.afterComplete(403));
    assertEquals(Verdict.REFUSED, ReportRules.afterComplete(404));
    assertNull(ReportRules.afterComplete(409), "a conflict needs a look at the work request");
  }

  @Test
  void aConflictIsReadAgainstTheWorkRequest() throws Exception {
    assertEquals(
        Verdict.ACCEPTED,
        ReportRules.afterConflict(
            "success", JSON.readTree("{\"status\":\"completed\",\"result\":\"success\"}")));
    assertEquals(
        Verdict.SUPERSEDED,
        ReportRules.afterConflict(
            "success", JSON.readTree("{\"status\":\"completed\",\"result\":\"failure\"}")));
    assertEquals(
        Verdict.SUPERSEDED,
        ReportRules.afterConflict("success", JSON.readTree("{\"status\":\"aborted\"}")));
    assertEquals(
        Verdict.RETRY,
        ReportRules.afterConflict("success", JSON.readTree("{\"status\":\"running\"}")));
    assertEquals(
        Verdict.REFUSED,
        ReportRules.afterConflict("success", JSON.readTree("{\"status\":\"pending\"}")));
  }

  @Test
  void aConflictWithAnotherAttemptIsSuperseded() throws Exception {
    // a later attempt of the work request runs (or ran) it: this run's result is stale
    assertEquals(
        Verdict.SUPERSEDED,
        ReportRules.afterConflict(
            "success", 1, JSON.readTree("{\"status\":\"running\",\"attempt\":2}")));
    assertEquals(
        Verdict.SUPERSEDED,
        ReportRules.afterConflict(
            "success",
            1,
            JSON.readTree("{\"status\":\"completed\",\"result\":\"success\",\"attempt\":2}")));
    // the same attempt reads as before
    assertEquals(
        Verdict.ACCEPTED,
        ReportRules.afterConflict(
            "success",
            2,
            JSON.readTree("{\"status\":\"completed\",\"result\":\"success\",\"attempt\":2}")));
    assertEquals(
        Verdict.RETRY,
        ReportRules.afterConflict(
            "success", 2, JSON.readTree("{\"status\":\"running\",\"attempt\":2}")));
    // a report that named no attempt (a command of an older scheduler) ignores it
    assertEquals(
        Verdict.RETRY,
        ReportRules.afterConflict(
            "success", null, JSON.readTree("{\"status\":\"running\",\"attempt\":2}")));
  }
}

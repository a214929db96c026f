package dev.kiln.workflow.servertask;

import static dev.kiln.workflow.servertask.ServerTaskEvents.await;
import static dev.kiln.workflow.servertask.ServerTaskEvents.command;
import static dev.kiln.workflow.servertask.ServerTaskEvents.newWorkRequestId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.infra.KilnInfraTestResource;
import dev.kiln.workflow.RecordedScheduler;
import dev.kiln.workflow.domain.servertask.ServerTaskCommand;
import dev.kiln.workflow.domain.servertask.ServerTaskOutcome;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Leases of server-task runs, against the real database: a run whose runner stopped renewing its
 * lease is taken over by this process, which runs it again when its task is safe to re-run and ends
 * it {@code error} naming the dead runner otherwise, reporting with the command's attempt; a runner
 * whose run was taken over cannot record or report its outcome. (The e2e {@code
 * ServerTaskRunnerRestartTest} kills a real runner mid-run.)
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
@QuarkusTestResource(RecordedScheduler.class)
class ServerTaskLeaseTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject ServerTaskRunRepository runs;
  @Inject ServerTaskService service;
  @Inject EntityManager em;

  /** A run claimed by a runner that then died: its lease expired a second ago. */
  private void claimedByADeadRunner(String cmd) throws Exception {
    ServerTaskCommand c = ServerTaskCommand.fromEvent(JSON.readTree(cmd));
    assertTrue(runs.claim(c, cmd, "dead-host/0000", 60));
    expireLease(c.workRequestId());
  }

  /** The run's lease expired a second ago (its runner stopped renewing it). */
  private void expireLease(long workRequestId) {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                em.createNativeQuery(
                        "UPDATE server_task_run SET lease_expires_at = now() - interval '1 second'"
                            + " WHERE work_request_id = ?1")
                    .setParameter(1, workRequestId)
                    .executeUpdate());
  }

  private static List<RecordedScheduler.Request> completions(long wrId) {
    return RecordedScheduler.requestsTo("/api/v1/work-requests/" + wrId + "/complete");
  }

  private boolean reported(long wrId, int attempt) {
    return runs.find(wrId, attempt).map(r -> r.state().equals("reported")).orElse(false);
  }

  @Test
  void aSafeTaskIsRunAgainAndAnUnsafeOneEndsInErrorNamingTheDeadRunner() throws Exception {
    long noop = newWorkRequestId();
    long upload = newWorkRequestId();
    claimedByADeadRunner(command(noop, 3, "System", "servernoop", "{'result': true}", null));
    claimedByADeadRunner(
        command(upload, 2, "System", "packageupload", "{'target': 'file:///nowhere'}", null));

    service.checkLeases();

    await("both reported", () -> reported(noop, 3) && reported(upload, 2));
    ServerTaskRunRepository.Run rerun = runs.find(noop, 3).orElseThrow();
    assertEquals("success", rerun.outcome().result(), "servernoop ran again");
    assertEquals(1, rerun.takeovers());
    assertEquals(service.runnerName(), rerun.runner());
    JsonNode body = completions(noop).get(0).body();
    assertEquals("success", body.get("result").asText());
    assertEquals(3, body.get("attempt").asInt(), "reported with the command's attempt");

    JsonNode failed = completions(upload).get(0).body();
    assertEquals("error", failed.get("result").asText());
    assertEquals(2, failed.get("attempt").asInt());
    String reason = failed.path("output_data").path("error").asText();
    assertTrue(reason.contains("dead-host/0000"), reason);
    assertTrue(reason.contains("not run again"), reason);
    assertEquals(1, runs.find(upload, 2).orElseThrow().takeovers());

    // once taken over, nothing more to take
    service.checkLeases();
    Thread.sleep(500);
    assertEquals(1, completions(noop).size());
    assertEquals(1, completions(upload).size());
  }

  @Test
  void aRunnerWhoseRunWasTakenOverDropsItsOutcome() throws Exception {
    long wr = newWorkRequestId();
    String cmd = command(wr, 1, "System", "servernoop", "{'result': true}", null);
    ServerTaskCommand c = ServerTaskCommand.fromEvent(JSON.readTree(cmd));
    assertTrue(runs.claim(c, cmd, "slow-host/0001", 60));
    assertFalse(runs.claim(c, cmd, "other-host/0002", 60), "one claim per attempt");
    expireLease(wr);
    List<ServerTaskRunRepository.TakenOver> taken =
        runs.takeOverExpired("other-host/0002", 60, 100);
    assertTrue(taken.stream().anyMatch(t -> t.workRequestId() == wr), taken::toString);
    ServerTaskRunRepository.TakenOver mine =
        taken.stream().filter(t -> t.workRequestId() == wr).findFirst().orElseThrow();
    assertEquals("slow-host/0001", mine.deadRunner());
    assertEquals(JSON.readTree(cmd), JSON.readTree(mine.command()), "the command is kept");

    assertFalse(
        runs.recordOutcome(wr, 1, "slow-host/0001", ServerTaskOutcome.success(null)),
        "the slow runner no longer holds the run");
    assertEquals(0, runs.renewLeases("slow-host/0001", 60));
    assertEquals("running", runs.find(wr, 1).orElseThrow().state());
    assertTrue(runs.recordOutcome(wr, 1, "other-host/0002", ServerTaskOutcome.success(null)));
    assertEquals("done", runs.find(wr, 1).orElseThrow().state());
  }
}

package dev.kiln.workflow.servertask;

import static dev.kiln.workflow.servertask.ServerTaskEvents.await;
import static dev.kiln.workflow.servertask.ServerTaskEvents.command;
import static dev.kiln.workflow.servertask.ServerTaskEvents.newWorkRequestId;
import static dev.kiln.workflow.servertask.ServerTaskEvents.send;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.infra.KilnInfraTestResource;
import dev.kiln.workflow.RecordedScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Server-task commands through the real broker and database: each run once, its result reported to
 * the scheduler (its recorded contract) however often Kafka delivers the command, retried while the
 * scheduler is unavailable.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
@QuarkusTestResource(RecordedScheduler.class)
class ServerTaskConsumerTest {

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Inject ServerTaskRunRepository runs;
  @Inject MeterRegistry meters;

  private static List<RecordedScheduler.Request> completions(long wrId) {
    return RecordedScheduler.requestsTo("/api/v1/work-requests/" + wrId + "/complete");
  }

  private boolean reported(long wrId) {
    return runs.find(wrId, 1).map(r -> r.state().equals("reported")).orElse(false);
  }

  private double redelivered() {
    return meters.counter("kiln_server_tasks_redelivered_total").count();
  }

  @Test
  void servernoopRunsOnceHoweverOftenTheCommandIsDeliveredAndItsResultIsReported()
      throws Exception {
    long wr = newWorkRequestId();
    String cmd = command(wr, "System", "servernoop", "{'result': true}", null);
    double before = redelivered();

    send(bootstrap, wr, cmd, cmd);

    await("the duplicate is seen", () -> redelivered() >= before + 1 && reported(wr));
    List<RecordedScheduler.Request> sent = completions(wr);
    assertEquals(1, sent.size(), "one report for one run");
    JsonNode body = sent.get(0).body();
    assertEquals("success", body.get("result").asText());
    assertEquals(
        "Bearer " + RecordedScheduler.SERVICE_TOKEN, sent.get(0).headers().get("authorization"));
    ServerTaskRunRepository.Run run = runs.find(wr, 1).orElseThrow();
    assertEquals("servernoop", run.taskName());
    assertEquals("success", run.outcome().result());
    assertEquals(1, runs.ofWorkRequest(wr).size());
  }

  @Test
  void servernoopFailsOrRaisesAsItsTaskDataSays() throws Exception {
    long failing = newWorkRequestId();
    long raising = newWorkRequestId();
    long unknown = newWorkRequestId();
    long invalid = newWorkRequestId();
    send(
        bootstrap,
        failing,
        command(failing, "System", "servernoop", "{'result': false}", null),
        command(raising, "System", "servernoop", "{'result': true, 'exception': true}", null),
        command(unknown, "System", "no-such-task", "{}", null),
        command(invalid, "System", "servernoop", "{'result': 'yes'}", null));

    await(
        "all four reported",
        () -> reported(failing) && reported(raising) && reported(unknown) && reported(invalid));
    assertEquals("failure", completions(failing).get(0).body().get("result").asText());
    JsonNode raised = completions(raising).get(0).body();
    assertEquals("error", raised.get("result").asText());
    assertEquals(
        "IllegalStateException: Client requested an exception",
        raised.path("output_data").path("error").asText());
    JsonNode none = completions(unknown).get(0).body();
    assertEquals("error", none.get("result").asText());
    assertEquals(
        "no runner for server task 'no-such-task'",
        none.path("output_data").path("error").asText());
    JsonNode bad = completions(invalid).get(0).body();
    assertEquals("error", bad.get("result").asText());
    assertEquals(
        true,
        bad.path("output_data").path("error").asText().contains("task_data.result"),
        bad::toString);
  }

  @Test
  void aReportIsRetriedWhileTheSchedulerIsUnavailableAndARepeatIsHarmless() throws Exception {
    long wr = newWorkRequestId();
    RecordedScheduler.failNext(3);
    send(bootstrap, wr, command(wr, "System", "servernoop", "{'result': true}", null));

    await("reported after the scheduler is back", () -> reported(wr));
    List<RecordedScheduler.Request> sent = completions(wr);
    assertEquals(4, sent.size(), "three refused, the fourth accepted");
    sent.forEach(r -> assertEquals("success", r.body().get("result").asText()));

    // the scheduler has the result already (its answer was lost): the repeat gets 409, the runner
    // looks, finds the same result and is done; an end it did not report is left alone
    long done = newWorkRequestId();
    long aborted = newWorkRequestId();
    RecordedScheduler.completed(done, "failure");
    RecordedScheduler.completed(aborted, "success");
    send(
        bootstrap,
        done,
        command(done, "System", "servernoop", "{'result': false}", null),
        command(aborted, "System", "servernoop", "{'result': false}", null));
    await("both handled", () -> reported(done) && reported(aborted));
    assertEquals(1, completions(done).size());
    assertEquals(1, completions(aborted).size());
    List<RecordedScheduler.Request> reads =
        RecordedScheduler.requestsTo("/api/v1/work-requests/" + done);
    assertEquals(1, reads.size(), "one look at the work request after the 409");
  }
}

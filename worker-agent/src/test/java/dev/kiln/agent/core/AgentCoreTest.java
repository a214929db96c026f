package dev.kiln.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.agent.core.AgentListener.AttemptEnd;
import dev.kiln.agent.task.NoopTask;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agent.testing.Await;
import dev.kiln.agent.testing.FakeArtifactService;
import dev.kiln.agent.testing.FakeScheduler;
import dev.kiln.agent.testing.RecordingListener;
import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.Hello;
import dev.kiln.api.scheduler.v1.Lease;
import dev.kiln.api.scheduler.v1.RegisterRequest;
import dev.kiln.api.scheduler.v1.WorkResult;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent core against a fake scheduler (a real gRPC server) and a fake artifact service. */
class AgentCoreTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;
  FakeScheduler scheduler;
  FakeArtifactService artifacts;
  ManagedChannel channel;
  RecordingListener listener = new RecordingListener();
  GatedTask gated = new GatedTask();
  AgentCore agent;
  AgentMessage firstHello;
  final Logger coreLogger = Logger.getLogger("dev.kiln.agent.core");
  Handler capture;

  @BeforeEach
  void start() throws Exception {
    scheduler = new FakeScheduler();
    artifacts = new FakeArtifactService();
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", scheduler.port()).usePlaintext().build();
    agent =
        new AgentCore(
            new AgentSettings(
                FakeScheduler.REGISTRATION_TOKEN,
                "test-worker",
                2,
                work,
                "test-version",
                Duration.ofSeconds(30),
                Duration.ofMillis(20),
                Duration.ofMillis(200),
                Duration.ofSeconds(10)),
            new TaskRegistry(GatedTask.DEFINITIONS, List.of(new NoopTask(), gated)),
            new ArtifactUploader(artifacts.url(), 3, Duration.ofMillis(10)),
            channel,
            listener);
    agent.start();
    firstHello = scheduler.hellos.poll(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
    assertNotNull(firstHello, "hello");
    Await.until("connected", agent::connected);
  }

  @AfterEach
  void stop() throws Exception {
    if (capture != null) {
      coreLogger.removeHandler(capture);
    }
    gated.release.countDown();
    agent.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    scheduler.close();
    artifacts.close();
  }

  @Test
  void registersThenSaysHelloWithItsTagsUnderTheWorkerToken() {
    assertEquals(1, scheduler.registrations.size());
    RegisterRequest register = scheduler.registrations.get(0);
    assertEquals(FakeScheduler.REGISTRATION_TOKEN, register.getRegistrationToken());
    assertEquals("test-worker", register.getName());
    assertEquals("worker", register.getWorkerType());

    Hello hello = firstHello.getHello();
    List<String> tags = hello.getProvidedTagsList();
    assertTrue(tags.stream().anyMatch(t -> t.matches("arch:[a-z0-9]+")), tags::toString);
    assertTrue(tags.contains("cpu:" + Runtime.getRuntime().availableProcessors()), tags::toString);
    assertTrue(tags.stream().anyMatch(t -> t.matches("mem:[0-9]+G")), tags::toString);
    assertTrue(tags.contains("task:worker:noop:v1"), tags::toString);
    assertTrue(tags.contains("task:worker:gated:v1"), tags::toString);
    assertTrue(tags.contains("worker-type:worker"), tags::toString);
    assertEquals(2, hello.getConcurrency());
    assertEquals("test-version", hello.getAgentVersion());

    assertEquals(
        List.of(
            new FakeScheduler.Call("Register", ""),
            new FakeScheduler.Call("Connect", "Bearer worker-token-1")),
        scheduler.calls);
  }

  @Test
  void noopTrueUploadsItsLogAndReportsSuccessWithTheArtifact() throws Exception {
    List<String[]> lines = captureLogs();

    scheduler.assign(11, 1, "noop", "{\"result\":true}");
    assertEquals(AttemptEnd.REPORTED, listener.awaitEnd(11, 1));

    List<CompleteWorkRequestRequest> reports = scheduler.reportsOf(11);
    assertEquals(1, reports.size());
    CompleteWorkRequestRequest report = reports.get(0);
    assertEquals(WorkResult.WORK_RESULT_SUCCESS, report.getResult());
    assertEquals(1, report.getAttempt());
    JsonNode output = JSON.readTree(report.getOutputDataJson());
    assertTrue(
        output.path("runtime_statistics").path("duration").isIntegralNumber(), output::toString);
    assertFalse(output.has("errors"), output::toString);
    assertEquals(1, output.path("artifacts").size(), output::toString);
    long artifactId = output.path("artifacts").get(0).asLong();

    assertEquals(1, artifacts.declarations.size());
    FakeArtifactService.Declaration declaration = artifacts.declarations.get(0);
    assertEquals("wr-token-11", declaration.token());
    assertEquals("debusine:work-request-debug-logs", declaration.body().path("category").asText());
    assertEquals("System", declaration.body().path("workspace").asText());
    assertEquals(11, declaration.body().path("work_request_id").asLong());
    assertTrue(declaration.body().path("data").isObject());

    assertEquals(1, artifacts.uploads.size());
    FakeArtifactService.Upload upload = artifacts.uploads.get(0);
    assertEquals(201, upload.status());
    assertEquals(artifactId, upload.artifactId());
    assertEquals("noop.log", upload.path());
    assertEquals("wr-token-11", upload.token());
    assertEquals(upload.declaredSha256(), FakeArtifactService.sha256(upload.bytes()));
    assertEquals(
        upload.bytes().length,
        declaration.body().path("files").path("noop.log").path("size").asLong());
    String log = new String(upload.bytes(), StandardCharsets.UTF_8);
    assertTrue(log.contains("noop: start (work request 11, attempt 1)"), log);
    assertTrue(log.contains("noop: task_data {\"result\":true}"), log);
    assertTrue(log.contains("noop: outcome success"), log);

    // every line the agent logged about the attempt names it
    List<String[]> aboutIt =
        lines.stream()
            .filter(l -> l[0].startsWith("running worker/noop") || l[0].startsWith("reported"))
            .toList();
    assertEquals(2, aboutIt.size(), () -> lines.stream().map(l -> l[1] + l[0]).toList().toString());
    aboutIt.forEach(l -> assertEquals("[wr=11 attempt=1] ", l[1]));
  }

  @Test
  void noopFalseReportsFailure() throws Exception {
    scheduler.assign(12, 1, "noop", "{\"result\":false}");
    assertEquals(AttemptEnd.REPORTED, listener.awaitEnd(12, 1));
    CompleteWorkRequestRequest report = scheduler.reportsOf(12).get(0);
    assertEquals(WorkResult.WORK_RESULT_FAILURE, report.getResult());
    assertEquals(1, JSON.readTree(report.getOutputDataJson()).path("artifacts").size());
    String log = new String(artifacts.uploads.get(0).bytes(), StandardCharsets.UTF_8);
    assertTrue(log.contains("noop: outcome failure"), log);
  }

  @Test
  void unknownTaskReportsErrorWithCodeUnknownTask() throws Exception {
    scheduler.assign(13, 2, "sbuild", "{}");
    assertEquals(AttemptEnd.REPORTED, listener.awaitEnd(13, 2));
    CompleteWorkRequestRequest report = scheduler.reportsOf(13).get(0);
    assertEquals(WorkResult.WORK_RESULT_ERROR, report.getResult());
    assertEquals(2, report.getAttempt());
    JsonNode errors = JSON.readTree(report.getOutputDataJson()).path("errors");
    assertEquals(1, errors.size());
    assertEquals("unknown-task", errors.get(0).path("code").asText());
    assertTrue(errors.get(0).path("message").asText().contains("worker/sbuild"));
    assertTrue(artifacts.declarations.isEmpty());
  }

  @Test
  void reportAnsweredUnavailableIsRetriedAndLandsOnce() throws Exception {
    scheduler.failReports.set(2);
    scheduler.assign(14, 1, "noop", "{\"result\":true}");
    assertEquals(AttemptEnd.REPORTED, listener.awaitEnd(14, 1));
    assertEquals(3, scheduler.reportCalls.size());
    assertEquals(1, scheduler.reportsOf(14).size());
    assertEquals(WorkResult.WORK_RESULT_SUCCESS, scheduler.reportsOf(14).get(0).getResult());
  }

  @Test
  void staleAttemptReportIsDroppedWithoutRetrying() throws Exception {
    scheduler.staleWorkRequests.add(17L);
    scheduler.assign(17, 1, "noop", "{\"result\":true}");
    assertEquals(AttemptEnd.STALE, listener.awaitEnd(17, 1));
    assertEquals(1, scheduler.reportCalls.size());
    assertTrue(scheduler.reports.isEmpty());
  }

  @Test
  void refusedWorkerTokenLeadsToANewRegistration() throws Exception {
    scheduler.revokeTokens();
    scheduler.assign(18, 1, "noop", "{\"result\":true}");
    assertEquals(AttemptEnd.REPORTED, listener.awaitEnd(18, 1));
    assertEquals(2, scheduler.registrations.size());
    assertEquals(List.of("worker-token-2"), scheduler.reportTokens);
  }

  @Test
  void brokenStreamIsReopenedWithANewHello() throws Exception {
    scheduler.breakStream();
    AgentMessage hello = scheduler.hellos.poll(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
    assertNotNull(hello, "a second hello after reconnecting");
    assertEquals(
        firstHello.getHello().getProvidedTagsList(), hello.getHello().getProvidedTagsList());
    assertTrue(listener.connectionChanges.contains(false));
    Await.until("connected again", agent::connected);

    scheduler.assign(15, 1, "noop", "{\"result\":true}");
    assertEquals(AttemptEnd.REPORTED, listener.awaitEnd(15, 1));
    assertEquals(1, scheduler.registrations.size(), "the token is still good: no new registration");
  }

  @Test
  void streamRefusedForItsTokenRegistersAgainAndSaysHello() throws Exception {
    scheduler.revokeTokens();
    scheduler.breakStream();
    AgentMessage hello = scheduler.hellos.poll(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
    assertNotNull(hello, "hello on a new stream");
    assertEquals(2, scheduler.registrations.size());
    FakeScheduler.Call last = scheduler.calls.get(scheduler.calls.size() - 1);
    assertEquals(new FakeScheduler.Call("Connect", "Bearer worker-token-2"), last);
  }

  @Test
  void workFinishedWhileTheSchedulerIsDownIsReportedWhenItIsBack() throws Exception {
    scheduler.assign(19, 1, "gated", "{}");
    assertTrue(gated.started.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS));

    scheduler.shutDown();
    Await.until("disconnected", () -> !agent.connected());
    gated.release.countDown();
    Await.until("the log uploaded", () -> artifacts.completedUploads().size() == 1);
    assertTrue(scheduler.reports.isEmpty());

    scheduler.restart();
    assertEquals(AttemptEnd.REPORTED, listener.awaitEnd(19, 1));
    assertEquals(1, scheduler.reportsOf(19).size());
    assertEquals(WorkResult.WORK_RESULT_SUCCESS, scheduler.reportsOf(19).get(0).getResult());
    assertNotNull(scheduler.hellos.poll(Await.LIMIT.toSeconds(), TimeUnit.SECONDS), "hello again");
  }

  @Test
  void heartbeatsNameTheRunningAttemptAndAbortStopsItWithoutUploadOrReport() throws Exception {
    scheduler.assign(16, 3, "gated", "{}");
    assertTrue(gated.started.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS));
    Await.until(
        "a heartbeat names the lease",
        () -> {
          AgentMessage m = scheduler.heartbeats.poll();
          return m != null
              && m.getHeartbeat()
                  .getLeasesList()
                  .equals(List.of(Lease.newBuilder().setWorkRequestId(16).setAttempt(3).build()));
        });

    scheduler.abort(16, 3);
    assertEquals(AttemptEnd.ABORTED, listener.awaitEnd(16, 3));
    assertEquals(0, gated.interrupted.getCount(), "the task thread was interrupted");
    assertTrue(scheduler.reportCalls.isEmpty(), () -> scheduler.reportCalls.toString());
    assertTrue(artifacts.declarations.isEmpty());
    assertTrue(artifacts.uploads.isEmpty());
    assertEquals(0, agent.runningCount());
  }

  @Test
  void anAbortWhileTheReportIsOnItsWayLetsItLandAndTheAttemptEndsReported() throws Exception {
    // the scheduler records the report and, before its answer, says the attempt is no longer the
    // agent's: what a restarted scheduler answers to a heartbeat that came after the report
    scheduler.holdReports = new java.util.concurrent.CountDownLatch(1);
    scheduler.assign(21, 1, "noop", "{\"result\":true}");
    assertTrue(scheduler.reportHeld.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS));
    scheduler.heartbeats.clear();
    scheduler.abort(21, 1);
    Await.until(
        "a heartbeat names no lease: the abort was taken",
        () -> {
          AgentMessage m = scheduler.heartbeats.poll();
          return m != null && m.getHeartbeat().getLeasesList().isEmpty();
        });
    scheduler.holdReports.countDown();

    assertEquals(AttemptEnd.REPORTED, listener.awaitEnd(21, 1));
    assertEquals(1, scheduler.reportCalls.size(), "sent once, not again");
    assertEquals(0, agent.runningCount());
  }

  @Test
  void abortOfAnotherAttemptLeavesTheRunningOneAlone() throws Exception {
    scheduler.assign(20, 2, "gated", "{}");
    assertTrue(gated.started.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS));
    scheduler.abort(20, 1);
    gated.release.countDown();
    assertEquals(AttemptEnd.REPORTED, listener.awaitEnd(20, 2));
    assertEquals(WorkResult.WORK_RESULT_SUCCESS, scheduler.reportsOf(20).get(0).getResult());
  }

  @Test
  void drainLetsRunningWorkFinishAndReportButTakesNoNewWork() throws Exception {
    scheduler.assign(21, 1, "gated", "{}");
    assertTrue(gated.started.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS));

    CompletableFuture<Boolean> drained =
        CompletableFuture.supplyAsync(() -> agent.drain(Await.LIMIT));
    Await.until("draining", agent::draining);
    Await.until("the scheduler is told to assign nothing more", () -> scheduler.drains.size() == 1);
    scheduler.assign(22, 1, "noop", "{\"result\":true}");
    Await.until("the new assignment declined", () -> listener.declined.contains("22/1"));
    Await.until("and handed back", () -> scheduler.releases.size() == 1);
    assertEquals(22, scheduler.releases.get(0).getWorkRequestId());
    assertEquals(1, scheduler.releases.get(0).getAttempt());

    gated.release.countDown();
    assertTrue(drained.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS), "drained cleanly");
    assertEquals(AttemptEnd.REPORTED, listener.ends.get("21/1"));
    assertEquals(WorkResult.WORK_RESULT_SUCCESS, scheduler.reportsOf(21).get(0).getResult());
    assertTrue(scheduler.reportsOf(22).isEmpty());
    assertFalse(listener.ends.containsKey("22/1"));
    assertFalse(agent.connected());
  }

  @Test
  void drainPastItsGraceStopsTheWorkWhichReportsNothing() throws Exception {
    scheduler.assign(23, 1, "gated", "{}");
    assertTrue(gated.started.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS));

    assertFalse(agent.drain(Duration.ofMillis(50)));
    assertEquals(AttemptEnd.ABORTED, listener.awaitEnd(23, 1));
    assertEquals(0, gated.interrupted.getCount());
    assertTrue(scheduler.reportCalls.isEmpty());
    assertTrue(artifacts.uploads.isEmpty());
  }

  /** Collects (message, MDC kiln.ctx) of the core's log records. */
  private List<String[]> captureLogs() {
    List<String[]> lines = new CopyOnWriteArrayList<>();
    capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            String ctx = record instanceof ExtLogRecord ext ? ext.getMdc("kiln.ctx") : null;
            String message =
                record instanceof ExtLogRecord ext
                    ? ext.getFormattedMessage()
                    : record.getMessage();
            lines.add(new String[] {message, ctx});
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    coreLogger.addHandler(capture);
    return lines;
  }
}

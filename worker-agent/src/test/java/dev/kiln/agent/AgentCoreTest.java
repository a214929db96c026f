package dev.kiln.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.agent.core.AgentCore;
import dev.kiln.agent.core.ArtifactUploader;
import dev.kiln.agent.task.NoopTask;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.WorkResult;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a fake scheduler (a real gRPC server) and a fake artifact service. */
class AgentCoreTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A task that blocks until interrupted (or released), to test aborts. */
  static final class SlowTask implements WorkerTask {
    final CountDownLatch started = new CountDownLatch(1);

    @Override
    public String taskType() {
      return "worker";
    }

    @Override
    public String taskName() {
      return "slow";
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public TaskOutcome run(TaskContext context) throws java.io.IOException, InterruptedException {
      Files.writeString(context.logFile(), "started\n");
      started.countDown();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
      return TaskOutcome.success();
    }
  }

  @TempDir Path work;
  FakeScheduler scheduler;
  FakeArtifactService artifacts;
  ManagedChannel channel;
  AgentCore agent;
  SlowTask slow = new SlowTask();

  @BeforeEach
  void start() throws Exception {
    scheduler = new FakeScheduler();
    artifacts = new FakeArtifactService();
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", scheduler.port()).usePlaintext().build();
    agent =
        new AgentCore(
            new AgentCore.Settings(
                "kiln-dev-registration-token", "test-worker", 2, work, Duration.ofMillis(500)),
            new TaskRegistry(List.of(new NoopTask(), slow)),
            new ArtifactUploader(artifacts.url()),
            channel);
    agent.start();
    assertNotNull(scheduler.hellos.poll(20, TimeUnit.SECONDS), "hello");
    await(agent::connected);
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
    channel.shutdownNow();
    scheduler.close();
    artifacts.close();
  }

  @Test
  void helloCarriesCapabilitiesAndTasks() {
    AgentMessage hello = scheduler.hellos.peek();
    List<String> tags = agent.providedTags();
    assertTrue(tags.contains("task:worker:noop:v1"), tags::toString);
    assertTrue(tags.stream().anyMatch(t -> t.startsWith("arch:")), tags::toString);
    assertTrue(tags.stream().anyMatch(t -> t.startsWith("cpu:")), tags::toString);
    assertEquals(1, scheduler.registrations.get());
    assertEquals(null, hello); // consumed by the set-up
  }

  @Test
  void noopSuccessUploadsItsLogAndReportsOnce() throws Exception {
    scheduler.assign(11, 1, "noop", "{\"result\":true}");
    CompleteWorkRequestRequest report = awaitReport(11);
    assertEquals(WorkResult.WORK_RESULT_SUCCESS, report.getResult());
    assertEquals(1, report.getAttempt());
    JsonNode output = JSON.readTree(report.getOutputDataJson());
    long artifactId = output.get("artifacts").get(0).asLong();

    assertEquals(1, artifacts.uploads.size());
    FakeArtifactService.Upload upload = artifacts.uploads.get(0);
    assertEquals(artifactId, upload.artifactId());
    assertEquals("noop.log", upload.path());
    assertEquals(upload.declaredSha256(), FakeArtifactService.sha256(upload.bytes()));
    assertEquals("wr-token-11", upload.token());
    String log = new String(upload.bytes(), StandardCharsets.UTF_8);
    assertTrue(log.contains("result true -> success"), log);
    JsonNode declaration = artifacts.declarations.get(0);
    assertEquals("debusine:work-request-debug-logs", declaration.get("category").asText());
    assertEquals(11, declaration.get("work_request_id").asLong());
    Thread.sleep(300);
    assertEquals(1, scheduler.reports.size());
  }

  @Test
  void noopFalseReportsFailureAndUnknownTaskReportsError() throws Exception {
    scheduler.assign(12, 1, "noop", "{\"result\":false}");
    assertEquals(WorkResult.WORK_RESULT_FAILURE, awaitReport(12).getResult());

    scheduler.assign(13, 2, "sbuild", "{}");
    CompleteWorkRequestRequest error = awaitReport(13);
    assertEquals(WorkResult.WORK_RESULT_ERROR, error.getResult());
    assertEquals(
        "unknown-task",
        JSON.readTree(error.getOutputDataJson()).get("errors").get(0).get("code").asText());
  }

  @Test
  void reportIsRetriedWhileTheSchedulerIsUnavailableAndLandsOnce() throws Exception {
    scheduler.failReports.set(2);
    scheduler.assign(14, 1, "noop", "{\"result\":true}");
    CompleteWorkRequestRequest report = awaitReport(14);
    assertEquals(WorkResult.WORK_RESULT_SUCCESS, report.getResult());
    assertEquals(3, scheduler.reportCalls.get());
    assertEquals(1, scheduler.reports.size());
  }

  @Test
  void brokenStreamIsReopenedWithANewHello() throws Exception {
    scheduler.breakStream();
    assertNotNull(scheduler.hellos.poll(20, TimeUnit.SECONDS), "a second hello after reconnecting");
    await(agent::connected);
    scheduler.assign(15, 1, "noop", "{\"result\":true}");
    assertEquals(WorkResult.WORK_RESULT_SUCCESS, awaitReport(15).getResult());
  }

  @Test
  void heartbeatsNameTheRunningAttemptAndAbortStopsItWithoutUploadOrReport() throws Exception {
    scheduler.assign(16, 3, "slow", "{}");
    assertTrue(slow.started.await(20, TimeUnit.SECONDS));
    AgentMessage hb = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      AgentMessage m = scheduler.heartbeats.poll(1, TimeUnit.SECONDS);
      if (m != null && m.getHeartbeat().getLeasesCount() == 1) {
        hb = m;
        break;
      }
    }
    assertNotNull(hb, "a heartbeat naming the lease");
    assertEquals(16, hb.getHeartbeat().getLeases(0).getWorkRequestId());
    assertEquals(3, hb.getHeartbeat().getLeases(0).getAttempt());

    scheduler.send(
        dev.kiln.api.scheduler.v1.ServerMessage.newBuilder()
            .setAbort(
                dev.kiln.api.scheduler.v1.Abort.newBuilder()
                    .setWorkRequestId(16)
                    .setAttempt(3)
                    .setReason("test"))
            .build());
    await(() -> agent.runningCount() == 0);
    Thread.sleep(500);
    assertTrue(scheduler.reports.isEmpty(), () -> scheduler.reports.toString());
    assertTrue(artifacts.uploads.isEmpty());
  }

  private CompleteWorkRequestRequest awaitReport(long id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (CompleteWorkRequestRequest r : scheduler.reports) {
        if (r.getWorkRequestId() == id) {
          return r;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no report for work request " + id);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached");
      }
      Thread.sleep(50);
    }
  }
}

package dev.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.agent.core.AgentCore;
import dev.kiln.agent.core.AgentListener;
import dev.kiln.agent.core.AgentSettings;
import dev.kiln.agent.core.ArtifactUploader;
import dev.kiln.agent.core.LiveLogSettings;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agentclient.ScriptedNoopTask;
import dev.kiln.infra.InfraSettings;
import dev.kiln.infra.KilnClient;
import dev.kiln.infra.LocalInfra;
import dev.kiln.infra.Platform;
import dev.kiln.infra.PlatformSecrets;
import dev.kiln.infra.ServiceProcess;
import dev.kiln.infra.WorkRequestEvents;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7's must-show tests of the worker agent against the real platform (scheduler, artifact and
 * workflow services as processes, PostgreSQL, Kafka): the live log read through the API while the
 * task runs; abort kills the command's process group and nothing is uploaded after it; the
 * scheduler crashes mid-task and is started again on the same database (the result lands exactly
 * once, also when the task finished while it was down); a graceful drain lets the running work
 * finish and report and takes no more. The agent is the real agent core in this JVM, whose {@code
 * worker/noop} runner runs a shell script ({@link ScriptedNoopTask}); the packaged agent has only
 * the real noop.
 */
class AgentFaultsTest {

  private static final Duration LIMIT = Duration.ofSeconds(90);

  private static LocalInfra infra;
  private static Platform platform;
  private static Path root;
  private static Path runDir;
  private static PlatformSecrets secrets;
  private static KilnClient client;
  private static ServiceProcess restarted;

  @TempDir Path scratch;
  private ManagedChannel channel;
  private AgentCore agent;
  private final Map<String, AgentListener.AttemptEnd> ends = new ConcurrentHashMap<>();
  private final List<Long> created = new ArrayList<>();

  @BeforeAll
  static void startPlatform() throws Exception {
    infra = LocalInfra.shared();
    root = Platform.findRoot();
    runDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "agent-faults-");
    secrets = PlatformSecrets.random();
    platform =
        Platform.start(root, infra.settings(), Platform.PortPlan.free(), secrets, runDir, false);
    client = platform.client();
    // The scheduler these tests use holds leases for 5 minutes (KILN_LEASE_DURATION), so that a
    // restart on a loaded machine stays within the lease: the tests check that the attempt that
    // ran is the one that reports. (A lease that does expire meanwhile ends in a new attempt,
    // fenced: the stale report is refused.)
    restartScheduler(() -> {});
  }

  @AfterAll
  static void stopPlatform() throws Exception {
    if (restarted != null) {
      restarted.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  @BeforeEach
  void channel() {
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", platform.ports().scheduler())
            .usePlaintext()
            .build();
  }

  @AfterEach
  void stopAgent() throws Exception {
    if (agent != null) {
      agent.close();
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    for (long id : created) {
      client.abortWorkRequest(id); // 409 for the ended ones; the others must not reach a later test
    }
  }

  /** Starts the real agent core whose noop runner runs {@code script}. */
  private AgentCore startAgent(String script) throws Exception {
    Path work = Files.createDirectories(scratch.resolve("agent-work"));
    agent =
        new AgentCore(
            new AgentSettings(
                secrets.registrationToken(),
                "faults-" + UUID.randomUUID(),
                1,
                work,
                "e2e",
                Duration.ofSeconds(30),
                Duration.ofMillis(200),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10)),
            new LiveLogSettings(
                Duration.ofMillis(100),
                500,
                64 * 1024,
                8 * 1024,
                4,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5)),
            new TaskRegistry(List.of(new ScriptedNoopTask(script))),
            new ArtifactUploader("http://127.0.0.1:" + platform.ports().artifact()),
            channel,
            new AgentListener() {
              @Override
              public void attemptEnded(long workRequestId, int attempt, AttemptEnd end) {
                ends.put(workRequestId + "/" + attempt, end);
              }
            });
    agent.start();
    await("the agent is connected", agent::connected);
    return agent;
  }

  /** A noop work request ahead of anything else pending. */
  private long createWorkRequest() throws Exception {
    KilnClient.Reply r =
        client.createWorkRequest(
            "{\"task_name\":\"noop\",\"task_data\":{\"result\":true},\"priority_base\":900000}");
    assertEquals(201, r.status(), () -> r.body().toString());
    long id = r.body().get("id").asLong();
    created.add(id);
    return id;
  }

  /** Follows the live log with long polls until it holds {@code count} lines. */
  private static List<JsonNode> awaitLogLines(long id, int count) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    long after = 0;
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (lines.size() < count && System.nanoTime() < deadline) {
      KilnClient.Reply page = client.liveLog(id, after, 10);
      assertEquals(200, page.status(), () -> String.valueOf(page.body()));
      page.body().get("lines").forEach(lines::add);
      after = page.body().get("next_after").asLong();
      if (page.body().get("complete").asBoolean()) {
        break;
      }
    }
    assertTrue(lines.size() >= count, () -> "live log of " + id + ": " + lines);
    return lines;
  }

  /** The whole live log, followed until it is complete. */
  private static List<String> wholeLog(long id) throws Exception {
    List<String> lines = new ArrayList<>();
    long after = 0;
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      KilnClient.Reply page = client.liveLog(id, after, 10);
      assertEquals(200, page.status());
      page.body().get("lines").forEach(l -> lines.add(l.get("line").asText()));
      after = page.body().get("next_after").asLong();
      if (page.body().get("complete").asBoolean()) {
        return lines;
      }
    }
    throw new AssertionError("the live log of " + id + " never completed: " + lines);
  }

  @Test
  void theLiveLogIsReadThroughTheApiWhileTheTaskRunsAndEqualsTheUploadedLog() throws Exception {
    Path go = scratch.resolve("go");
    // created before the agent connects: its one slot goes to it, not to leftovers
    long id = createWorkRequest();
    startAgent(
        "echo started; i=0; while [ ! -f "
            + go
            + " ]; do i=$((i+1)); echo \"tick $i\"; sleep 0.1; done; echo finished");

    List<JsonNode> first = awaitLogLines(id, 3);
    assertEquals("running", client.workRequest(id).body().get("status").asText());
    assertEquals("started", first.get(0).get("line").asText());
    assertEquals("tick 1", first.get(1).get("line").asText());
    assertEquals("tick 2", first.get(2).get("line").asText());
    assertEquals(1, first.get(0).get("seq").asLong());
    assertEquals(1, first.get(0).get("attempt").asInt());

    Files.writeString(go, "");
    JsonNode done = client.awaitTerminal(id, LIMIT);
    assertEquals("success", done.get("result").asText(), done::toString);
    List<String> live = wholeLog(id);
    assertEquals("finished", live.get(live.size() - 1));

    long artifactId = done.path("output_data").path("artifacts").get(0).asLong();
    KilnClient.Download uploaded = client.download(artifactId, "noop.log");
    assertEquals(200, uploaded.status());
    List<String> artifactLines =
        List.of(new String(uploaded.bytes(), StandardCharsets.UTF_8).split("\n"));
    assertEquals(artifactLines, live, "the live log is the uploaded log, line for line");
  }

  @Test
  void abortKillsTheProcessGroupEndsAbortedAndNothingIsUploadedAfter() throws Exception {
    Path pids = scratch.resolve("pids");
    // created before the agent connects: its one slot goes to it, not to leftovers
    long id = createWorkRequest();
    startAgent(
        "(trap '' TERM; exec sleep 600) & echo $! > "
            + pids
            + "; echo $$ >> "
            + pids
            + "; echo started; sleep 600");
    awaitLogLines(id, 1);
    await("both processes run", () -> lines(pids).size() == 2);
    List<Long> running = lines(pids).stream().map(Long::parseLong).toList();

    KilnClient.Reply aborted = client.abortWorkRequest(id);
    assertEquals(200, aborted.status(), () -> String.valueOf(aborted.body()));
    for (long pid : running) {
      await("process " + pid + " is gone (also the one ignoring SIGTERM)", () -> gone(pid));
    }
    await("the attempt ends", () -> ends.containsKey(id + "/1"));
    assertEquals(AgentListener.AttemptEnd.ABORTED, ends.get(id + "/1"));
    JsonNode wr = client.workRequest(id).body();
    assertEquals("aborted", wr.get("status").asText());
    Thread.sleep(1000); // anything the agent would still do has had time to arrive
    assertEquals(0, artifactsOf(id), "no artifact was created for the aborted work request");
    assertEquals("aborted", client.workRequest(id).body().get("status").asText());
    assertEquals(0, agent.runningCount());
  }

  @Test
  void theSchedulerRestartedMidTaskGetsTheResultExactlyOnce() throws Exception {
    Path go = scratch.resolve("go");
    // created before the agent connects: its one slot goes to it, not to leftovers
    long id = createWorkRequest();
    startAgent("echo started; while [ ! -f " + go + " ]; do sleep 0.1; done; echo finished");
    awaitLogLines(id, 1);

    restartScheduler(() -> {});
    await("the agent is connected again", agent::connected);
    Files.writeString(go, "");

    JsonNode done = client.awaitTerminal(id, LIMIT);
    assertEquals("success", done.get("result").asText(), done::toString);
    assertEquals(1, done.get("attempt").asInt(), "the lease held across the restart");
    assertExactlyOnce(id, done);
  }

  @Test
  void workThatFinishesWhileTheSchedulerIsDownIsReportedOnceWhenItIsBack() throws Exception {
    Path go = scratch.resolve("go");
    // created before the agent connects: its one slot goes to it, not to leftovers
    long id = createWorkRequest();
    startAgent("echo started; while [ ! -f " + go + " ]; do sleep 0.1; done; echo finished");
    awaitLogLines(id, 1);

    restartScheduler(
        () -> {
          try {
            Files.writeString(go, ""); // the task ends, uploads, and cannot report
            await("the log is uploaded while the scheduler is down", () -> artifactsOf(id) == 1);
            Thread.sleep(2000); // a few failed report attempts
            assertTrue(ends.isEmpty(), "still reporting: " + ends);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    JsonNode done = client.awaitTerminal(id, LIMIT);
    assertEquals("success", done.get("result").asText(), done::toString);
    assertEquals(1, done.get("attempt").asInt());
    await("the attempt ends reported", () -> ends.containsKey(id + "/1"));
    assertEquals(AgentListener.AttemptEnd.REPORTED, ends.get(id + "/1"));
    assertExactlyOnce(id, done);
  }

  @Test
  void aGracefulDrainLetsTheRunningWorkFinishAndReportAndTakesNoMore() throws Exception {
    Path go = scratch.resolve("go");
    // created before the agent connects: its one slot goes to it, not to leftovers
    long id = createWorkRequest();
    startAgent("echo started; while [ ! -f " + go + " ]; do sleep 0.1; done; echo finished");
    awaitLogLines(id, 1);

    // what SIGTERM does in the packaged agent (AgentLifecycle on shutdown)
    CompletableFuture<Boolean> drained =
        CompletableFuture.supplyAsync(() -> agent.drain(Duration.ofSeconds(60)));
    await("draining", agent::draining);
    long next = createWorkRequest();
    Thread.sleep(1000);
    assertFalse(drained.isDone(), "the drain waits for the running work");
    Files.writeString(go, "");

    assertTrue(drained.get(LIMIT.toSeconds(), TimeUnit.SECONDS), "drained within the grace");
    JsonNode done = client.awaitTerminal(id, LIMIT);
    assertEquals("success", done.get("result").asText(), done::toString);
    assertEquals(AgentListener.AttemptEnd.REPORTED, ends.get(id + "/1"));
    assertEquals(1, artifactsOf(id), "its log was uploaded before the agent left");
    assertFalse(agent.connected());
    // not run here: never assigned, or handed back (Release) without counting a retry
    JsonNode waiting = client.workRequest(next).body();
    assertEquals("pending", waiting.get("status").asText(), waiting::toString);
    assertEquals(0, waiting.get("retry_count").asInt());
  }

  /**
   * Kills the scheduler (SIGKILL, as a crash), runs {@code whileDown}, and starts it again on the
   * same port and database.
   */
  private static void restartScheduler(Runnable whileDown) throws Exception {
    ServiceProcess current = restarted != null ? restarted : platform.process(Platform.SCHEDULER);
    current.kill();
    whileDown.run();
    Map<String, String> env = new HashMap<>(Platform.serviceEnvironment(infra.settings(), secrets));
    env.put("KILN_SCHEDULER_PORT", String.valueOf(platform.ports().scheduler()));
    env.put("KILN_ARTIFACT_URL", "http://127.0.0.1:" + platform.ports().artifact());
    env.put("KILN_LEASE_DURATION", "300s");
    restarted =
        ServiceProcess.start(
                root,
                Platform.SCHEDULER,
                platform.ports().scheduler(),
                env,
                runDir.resolve("restarted-" + System.nanoTime()))
            .awaitReady(Duration.ofSeconds(120));
  }

  /** One completion (event on Kafka, recorded by the workflow service), one log artifact. */
  private static void assertExactlyOnce(long id, JsonNode done) throws Exception {
    assertEquals(1, done.path("output_data").path("artifacts").size(), done::toString);
    assertEquals(1, artifactsOf(id), "one debug-logs artifact");
    assertEquals(1, completionEvents(id).size(), "exactly one completion event");
    long deadline = System.nanoTime() + LIMIT.toNanos();
    JsonNode seen = client.completionsSeenByWorkflowService(id).body();
    while ((seen == null || seen.size() == 0) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      seen = client.completionsSeenByWorkflowService(id).body();
    }
    assertEquals(1, seen.size(), String.valueOf(seen));
  }

  private static long artifactsOf(long workRequestId) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                infra.settings().jdbcUrl(), InfraSettings.USER, InfraSettings.PASSWORD);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM artifact.artifact WHERE created_by_work_request_id = ?")) {
      s.setLong(1, workRequestId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static List<JsonNode> completionEvents(long id) throws Exception {
    return WorkRequestEvents.of(
        infra.bootstrapServers(), id, "work-request.completed.v1", Duration.ofSeconds(60));
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(String what, Condition condition) throws Exception {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what);
      }
      Thread.sleep(50);
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  /** Gone, or dead and waiting to be reaped. */
  private static boolean gone(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.io.IOException e) {
      return true;
    }
  }
}

package dev.kiln.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.agent.core.AgentListener.AttemptEnd;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agent.testing.Await;
import dev.kiln.agent.testing.FakeArtifactService;
import dev.kiln.agent.testing.FakeScheduler;
import dev.kiln.agent.testing.RecordingListener;
import dev.kiln.api.scheduler.v1.WorkResult;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Abort of a work request whose task runs a real long command: its process group is killed
 * (including a child that ignores SIGTERM), the attempt ends aborted, and nothing is uploaded or
 * reported afterwards.
 */
class AbortKillsCommandTest {

  @TempDir Path work;
  @TempDir Path scratch;
  FakeScheduler scheduler;
  FakeArtifactService artifacts;
  ManagedChannel channel;
  RecordingListener listener = new RecordingListener();
  AgentCore agent;

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
                1,
                work,
                "test-version",
                Duration.ofSeconds(30),
                Duration.ofMillis(20),
                Duration.ofMillis(200),
                Duration.ofSeconds(10)),
            new TaskRegistry(CommandTask.DEFINITIONS, List.of(new CommandTask())),
            new ArtifactUploader(artifacts.url(), 3, Duration.ofMillis(10)),
            channel,
            listener);
    agent.start();
    assertNotNull(scheduler.hellos.poll(Await.LIMIT.toSeconds(), TimeUnit.SECONDS), "hello");
    Await.until("connected", agent::connected);
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    scheduler.close();
    artifacts.close();
  }

  @Test
  void abortKillsTheCommandsProcessGroupAndNothingIsUploadedOrReported() throws Exception {
    Path pids = scratch.resolve("pids");
    String script =
        "(trap '' TERM; exec sleep 600) & echo $! > "
            + pids
            + "; echo $$ >> "
            + pids
            + "; echo started; sleep 600";
    scheduler.assign(31, 1, "command", json(script));
    Await.until("the command runs", () -> lines(pids).size() == 2);
    List<Long> running = lines(pids).stream().map(Long::parseLong).toList();

    scheduler.abort(31, 1);
    assertEquals(AttemptEnd.ABORTED, listener.awaitEnd(31, 1));
    for (long pid : running) {
      Await.until("process " + pid + " is gone", () -> gone(pid));
    }
    assertTrue(scheduler.reportCalls.isEmpty(), () -> scheduler.reportCalls.toString());
    assertTrue(artifacts.declarations.isEmpty(), "no log artifact declared");
    assertTrue(artifacts.uploads.isEmpty(), "nothing uploaded");
    assertEquals(0, agent.runningCount());
  }

  @Test
  void aCommandThatEndsByItselfUploadsItsLogAndReports() throws Exception {
    scheduler.assign(32, 1, "command", json("echo one; echo two; exit 1"));
    assertEquals(AttemptEnd.REPORTED, listener.awaitEnd(32, 1));
    assertEquals(WorkResult.WORK_RESULT_FAILURE, scheduler.reportsOf(32).get(0).getResult());
    assertEquals("one\ntwo\n", new String(artifacts.completedUploads().get(0).bytes()));
  }

  private static String json(String script) {
    return "{\"script\":\"" + script.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
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

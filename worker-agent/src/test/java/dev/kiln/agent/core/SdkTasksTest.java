package dev.kiln.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.agent.core.AgentListener.AttemptEnd;
import dev.kiln.agent.task.NoopTask;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.agent.testing.Await;
import dev.kiln.agent.testing.FakeArtifactService;
import dev.kiln.agent.testing.FakeScheduler;
import dev.kiln.agent.testing.RecordingListener;
import dev.kiln.api.scheduler.v1.Hello;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.task.Tag;
import dev.kiln.task.external.worker.SbuildTask;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's tasks come from the task SDK: runners are matched to SDK definitions, the SDK's task
 * instance is built from the assignment's configured task data and dynamic task data (input values,
 * no lookups), and the worker-provided tags come from the tasks' hooks and the system probes.
 */
class SdkTasksTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  /** Records the SDK task instance it was given. */
  static class SbuildProbe implements WorkerTask {
    final LinkedBlockingQueue<TaskContext> seen = new LinkedBlockingQueue<>();

    @Override
    public String taskType() {
      return "worker";
    }

    @Override
    public String taskName() {
      return "sbuild";
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public TaskOutcome run(TaskContext context) {
      seen.add(context);
      return TaskOutcome.failure();
    }
  }

  @Test
  void runnersMustMatchAnSdkTaskAndItsVersion() {
    WorkerTask unknown =
        new SbuildProbe() {
          @Override
          public String taskName() {
            return "no-such-task";
          }
        };
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new TaskRegistry(List.of(unknown)))
            .getMessage()
            .contains("not in the SDK"));
    WorkerTask newer =
        new SbuildProbe() {
          @Override
          public int version() {
            return 2;
          }
        };
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new TaskRegistry(List.of(newer)))
            .getMessage()
            .contains("version 2"));
  }

  @Test
  void providedTagsComeFromTheTasksHooksAndTheSystemProbes() throws Exception {
    Path bin = Files.createDirectories(work.resolve("bin"));
    for (String tool : List.of("sbuild", "unshare")) {
      Files.writeString(bin.resolve(tool), "#!/bin/sh\n");
      Files.setPosixFilePermissions(
          bin.resolve(tool), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    SystemProbe probe = new SystemProbe(bin.toString());
    TaskRegistry tasks = new TaskRegistry(List.of(new NoopTask(), new SbuildProbe()));

    Set<Tag> fromHooks = tasks.providedWorkerTags(probe);
    assertTrue(fromHooks.contains(Tag.worker("task:worker:sbuild:v1")), fromHooks::toString);
    assertTrue(fromHooks.contains(Tag.worker("tool:sbuild")), fromHooks::toString);
    assertTrue(fromHooks.contains(Tag.worker("executor:unshare")), fromHooks::toString);
    assertTrue(fromHooks.stream().noneMatch(t -> t.value().equals("tool:autopkgtest")));

    Capabilities.Discovered d = Capabilities.discover(tasks, work, probe);
    assertTrue(d.tags().contains("executor:unshare"), d.tags()::toString);
    assertTrue(d.tags().contains("task:worker:noop:v1"), d.tags()::toString);
    assertTrue(d.tags().contains("tool:sbuild"), d.tags()::toString);
    assertTrue(d.tags().stream().anyMatch(t -> t.matches("disk:[0-9]+G")), d.tags()::toString);
    assertTrue(d.tags().stream().anyMatch(t -> t.matches("arch:[a-z0-9]+")), d.tags()::toString);
    assertEquals(List.of("unshare"), d.system().getExecutorsList());
    assertEquals(Runtime.getRuntime().availableProcessors(), d.system().getCpuCount());
    assertTrue(d.system().getDiskFreeBytes() > 0);
    assertTrue(d.system().getToolsMap().containsKey("sbuild"), d.system()::toString);
    assertEquals(d.tags().get(0), "arch:" + d.system().getArchitectures(0));
  }

  @Test
  void theTaskIsBuiltFromTheAssignmentsDataAndReportedInHello() throws Exception {
    FakeScheduler scheduler = new FakeScheduler();
    FakeArtifactService artifacts = new FakeArtifactService();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", scheduler.port()).usePlaintext().build();
    RecordingListener listener = new RecordingListener();
    SbuildProbe sbuild = new SbuildProbe();
    try (AgentCore agent =
        new AgentCore(
            new AgentSettings(
                FakeScheduler.REGISTRATION_TOKEN,
                "sdk-worker",
                1,
                work,
                "test-version",
                Duration.ofSeconds(30),
                Duration.ofMillis(20),
                Duration.ofMillis(200),
                Duration.ofSeconds(10)),
            new TaskRegistry(List.of(new NoopTask(), sbuild)),
            new ArtifactUploader(artifacts.url(), 3, Duration.ofMillis(10)),
            channel,
            listener)) {
      agent.start();
      Hello hello = scheduler.hellos.poll(Await.LIMIT.toSeconds(), TimeUnit.SECONDS).getHello();
      assertTrue(hello.getProvidedTagsList().contains("task:worker:sbuild:v1"));
      assertTrue(hello.hasSystem(), hello::toString);
      assertTrue(hello.getSystem().getArchitecturesCount() >= 1, hello::toString);
      Await.until("connected", agent::connected);

      String taskData =
          "{\"input\": {\"source_artifact\": \"12@artifacts\"},"
              + " \"environment\": \"debian/match:codename=bookworm\", \"build_profiles\": [\"nocheck\"]}";
      String dynamic =
          "{\"subject\": \"hello\", \"configuration_context\": \"bookworm\", \"inputs\": {"
              + "\"host_architecture\": {\"architecture\": \"amd64\", \"fallback\": true},"
              + "\"source_artifact\": {\"lookup\": \"12@artifacts\", \"artifact\": {\"id\": 12,"
              + " \"category\": \"debian:source-package\", \"data\": {\"name\": \"hello\"}}},"
              + "\"environment\": {\"lookup\":"
              + " \"debian/match:codename=bookworm:architecture=amd64:format=tarball\","
              + " \"artifact\": {\"id\": 7, \"category\": \"debian:system-tarball\","
              + " \"data\": {\"codename\": \"bookworm\"}}}}}";
      scheduler.assign(31, 1, "sbuild", taskData, dynamic);
      TaskContext seen = sbuild.seen.poll(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
      assertNotNull(seen, "the sbuild runner never ran");
      SbuildTask task = (SbuildTask) seen.task();
      assertEquals(7, task.input(SbuildTask.ENVIRONMENT).artifact().id());
      assertEquals("bookworm", task.input(SbuildTask.ENVIRONMENT).artifact().dataText("codename"));
      assertEquals(12, task.input(SbuildTask.SOURCE_ARTIFACT).artifact().id());
      assertEquals("amd64", task.input(SbuildTask.HOST_ARCHITECTURE).architecture());
      assertEquals(List.of("nocheck"), task.data().buildProfiles());
      assertEquals(AttemptEnd.REPORTED, listener.awaitEnd(31, 1));

      // task data the SDK refuses never reaches the runner
      scheduler.assign(32, 1, "sbuild", "{\"environment\": 3.5}", "{}");
      assertEquals(AttemptEnd.REPORTED, listener.awaitEnd(32, 1));
      var report = scheduler.reportsOf(32).get(0);
      assertEquals(WorkResult.WORK_RESULT_ERROR, report.getResult());
      JsonNode errors = JSON.readTree(report.getOutputDataJson()).path("errors");
      assertEquals("configure-failed", errors.get(0).path("code").asText());
      assertTrue(sbuild.seen.isEmpty());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      scheduler.close();
      artifacts.close();
    }
  }
}

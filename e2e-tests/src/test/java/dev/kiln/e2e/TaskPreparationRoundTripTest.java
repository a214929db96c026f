package dev.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.agentclient.TestAgent;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.infra.KilnClient;
import dev.kiln.infra.LocalInfra;
import dev.kiln.infra.Platform;
import dev.kiln.infra.PlatformSecrets;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #4's must-show, every hop real: an {@code sbuild} work request whose {@code environment} is
 * a lookup into a {@code debian:environments} collection is prepared by the scheduler against the
 * real artifact service (task configuration from a real {@code debusine:task-configuration}
 * collection, input fields through {@code POST /api/v1/lookups}) and reaches an agent with the
 * resolved artifact ids and their data in its dynamic task data. The agent here is this test,
 * speaking the agent protocol over gRPC (the real agent cannot run sbuild on this machine); a
 * failing lookup ends the work request as {@code error}/{@code dynamic-data-failed}.
 */
class TaskPreparationRoundTripTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Platform platform;
  private static KilnClient client;

  @BeforeAll
  static void startPlatform() throws Exception {
    Path runDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "preparation-");
    platform =
        Platform.start(
            Platform.findRoot(),
            LocalInfra.shared().settings(),
            Platform.PortPlan.free(),
            PlatformSecrets.random(),
            runDir,
            false);
    client = platform.client();
  }

  @AfterAll
  static void stopPlatform() throws Exception {
    if (platform != null) {
      platform.close();
    }
  }

  private static JsonNode post(String path, String json) throws Exception {
    KilnClient.Reply r = client.postToArtifactService(path, json.replace('\'', '"'));
    assertEquals(201, r.status(), () -> path + ": " + r.body());
    return r.body();
  }

  /**
   * A registered test agent on its own channel, reporting what an sbuild worker reports;
   * assignments arrive in a queue.
   */
  private static final class SbuildAgent implements AutoCloseable {
    final ManagedChannel channel;
    final TestAgent agent;

    SbuildAgent(String name) throws Exception {
      channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", platform.ports().scheduler())
              .usePlaintext()
              .build();
      String token =
          TestAgent.register(channel, platform.secrets().registrationToken(), name, "worker");
      agent =
          TestAgent.connect(
              channel,
              token,
              // what an sbuild-capable worker reports: tag matching is enforced
              TestAgent.hello(
                      1,
                      List.of(
                          "task:worker:sbuild:v1", "arch:amd64", "executor:unshare", "tool:sbuild"))
                  .setAgentVersion("e2e"),
              null);
      agent.awaitWelcome(Duration.ofSeconds(30));
    }

    @Override
    public void close() throws InterruptedException {
      agent.close();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void anEnvironmentLookupResolvesAgainstTheArtifactServiceAndReachesTheWorker() throws Exception {
    String ws = "e2e-prep";
    long tarball =
        post(
                "/api/v1/artifacts",
                "{'category': 'debian:system-tarball', 'workspace': '"
                    + ws
                    + "', 'data': {'filename': 'system.tar.zst', 'codename': 'bookworm',"
                    + " 'architecture': 'amd64', 'vendor': 'debian', 'variant': 'buildd',"
                    + " 'mirror': 'http://deb.debian.org/debian', 'components': ['main'],"
                    + " 'pkglist': {}, 'with_dev': true, 'with_init': false}}")
            .get("id")
            .asLong();
    long source =
        post(
                "/api/v1/artifacts",
                "{'category': 'debian:source-package', 'workspace': '"
                    + ws
                    + "', 'data': {'name': 'hello', 'version': '2.10-3', 'type': 'dpkg',"
                    + " 'dsc_fields': {'Source': 'hello'}}}")
            .get("id")
            .asLong();
    long environments =
        post(
                "/api/v1/collections",
                "{'name': 'debian', 'category': 'debian:environments', 'workspace': '" + ws + "'}")
            .get("id")
            .asLong();
    post(
        "/api/v1/collections/" + environments + "/items",
        "{'artifact_id': "
            + tarball
            + ", 'data': {'codename': 'bookworm', 'architecture': 'amd64', 'variant': '',"
            + " 'backend': 'unshare'}}");
    long configuration =
        post(
                "/api/v1/collections",
                "{'name': 'default', 'category': 'debusine:task-configuration', 'workspace': '"
                    + ws
                    + "'}")
            .get("id")
            .asLong();
    post(
        "/api/v1/collections/" + configuration + "/items",
        "{'name': 'worker:sbuild::bookworm', 'category': 'debusine:task-configuration', 'data':"
            + " {'task_type': 'worker', 'task_name': 'sbuild', 'context': 'bookworm',"
            + " 'default_values': {'build_profiles': ['nocheck']}}}");

    try (SbuildAgent sbuild = new SbuildAgent("e2e-preparation-receiver")) {
      TestAgent agent = sbuild.agent;
      KilnClient.Reply created =
          client.createWorkRequest(
              ("{'task_name': 'sbuild', 'workspace': '"
                      + ws
                      + "', 'task_data': {'input': {'source_artifact': '"
                      + source
                      + "@artifacts'}, 'environment': 'debian/match:codename=bookworm'}}")
                  .replace('\'', '"'));
      assertEquals(201, created.status(), () -> created.body().toString());
      long id = created.body().get("id").asLong();

      Assignment a = agent.nextAssignment(Duration.ofSeconds(60));
      assertNotNull(a, () -> "no assignment; the work request is " + workRequest(id));
      assertEquals(id, a.getWorkRequestId());
      assertEquals("sbuild", a.getTaskName());
      JsonNode taskData = JSON.readTree(a.getTaskDataJson());
      JsonNode dynamic = JSON.readTree(a.getDynamicTaskDataJson());
      // the configured task data: the configuration item for context bookworm applied
      assertEquals("nocheck", taskData.path("build_profiles").get(0).asText(), taskData::toString);
      JsonNode env = dynamic.path("inputs").path("environment");
      assertEquals(
          "debian/match:codename=bookworm:architecture=amd64:format=tarball",
          env.path("lookup").asText());
      assertEquals(tarball, env.path("artifact").path("id").asLong(), dynamic::toString);
      assertEquals("debian:system-tarball", env.path("artifact").path("category").asText());
      assertEquals("bookworm", env.path("artifact").path("data").path("codename").asText());
      assertEquals(
          source,
          dynamic.path("inputs").path("source_artifact").path("artifact").path("id").asLong());
      assertEquals("hello", dynamic.path("subject").asText());
      assertEquals("bookworm", dynamic.path("configuration_context").asText());
      assertEquals(
          "amd64", dynamic.path("inputs").path("host_architecture").path("architecture").asText());

      // the request keeps its submitted data beside the configured one, and its tags
      JsonNode wr = workRequest(id);
      assertTrue(wr.path("task_data").path("build_profiles").isMissingNode(), wr::toString);
      assertEquals(taskData, wr.path("configured_task_data"));
      assertTrue(wr.path("tags").path("required").toString().contains("tool:sbuild"));

      agent.complete(
          CompleteWorkRequestRequest.newBuilder()
              .setWorkRequestId(id)
              .setAttempt(a.getAttempt())
              .setResult(WorkResult.WORK_RESULT_SUCCESS)
              .setOutputDataJson("{}")
              .build());
      assertEquals(
          "success", client.awaitTerminal(id, Duration.ofSeconds(30)).get("result").asText());

      // a lookup that finds nothing: error dynamic-data-failed, never assigned
      KilnClient.Reply failing =
          client.createWorkRequest(
              ("{'task_name': 'sbuild', 'workspace': '"
                      + ws
                      + "', 'task_data': {'input': {'source_artifact': '"
                      + source
                      + "@artifacts'}, 'environment': 'debian/match:codename=trixie'}}")
                  .replace('\'', '"'));
      assertEquals(201, failing.status(), () -> failing.body().toString());
      long failed = failing.body().get("id").asLong();
      JsonNode done = client.awaitTerminal(failed, Duration.ofSeconds(60));
      assertEquals("completed", done.get("status").asText());
      assertEquals("error", done.get("result").asText());
      JsonNode error = done.path("output_data").path("errors").get(0);
      assertEquals("dynamic-data-failed", error.path("code").asText(), done::toString);
      assertTrue(error.path("message").asText().contains("codename=trixie"), error::toString);
      assertEquals(0, done.get("attempt").asInt(), "the failed request was never assigned");
      assertTrue(done.path("worker_id").isNull(), done::toString);
    }
  }

  private static JsonNode workRequest(long id) {
    try {
      return client.workRequest(id).body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

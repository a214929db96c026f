package dev.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.kiln.infra.KilnClient;
import dev.kiln.infra.LocalInfra;
import dev.kiln.infra.Platform;
import dev.kiln.infra.PlatformSecrets;
import dev.kiln.infra.ServiceProcess;
import dev.kiln.infra.WorkRequestEvents;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The walking skeleton, every hop real: PostgreSQL and Kafka, the three packaged services and a
 * worker agent as separate processes; a noop work request goes REST → scheduler → gRPC → agent →
 * artifact service → gRPC → outbox → Kafka → workflow service.
 */
class PlatformRoundTripTest {

  private static LocalInfra infra;
  private static Platform platform;
  private static KilnClient client;

  @BeforeAll
  static void startPlatform() throws Exception {
    infra = LocalInfra.shared();
    Path runDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "platform-");
    platform =
        Platform.start(
            Platform.findRoot(),
            infra.settings(),
            Platform.PortPlan.free(),
            PlatformSecrets.random(),
            runDir);
    client = platform.client();
    for (ServiceProcess p : platform.processes()) {
      System.out.printf(
          "[e2e] %s ready in %d ms, RSS %s MiB%n",
          p.name(), p.readyMillis(), p.rssMib().map(String::valueOf).orElse("?"));
    }
  }

  @AfterAll
  static void stopPlatform() throws Exception {
    if (platform != null) {
      for (ServiceProcess p : platform.processes()) {
        System.out.printf(
            "[e2e] %s RSS after the run %s MiB%n",
            p.name(), p.rssMib().map(String::valueOf).orElse("?"));
      }
      platform.close();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void noopWorkRequestGoesRoundTrip(boolean result) throws Exception {
    KilnClient.Reply created =
        client.createWorkRequest(
            "{\"task_name\":\"noop\",\"task_data\":{\"result\":" + result + "}}");
    assertEquals(201, created.status(), () -> created.body().toString());
    long id = created.body().get("id").asLong();

    JsonNode done = client.awaitTerminal(id, Duration.ofSeconds(90));
    assertEquals("completed", done.get("status").asText());
    assertEquals(result ? "success" : "failure", done.get("result").asText());
    assertEquals(1, done.get("attempt").asInt());

    // the log the agent uploaded: stored under its SHA-256, served back byte for byte
    JsonNode artifacts = done.path("output_data").path("artifacts");
    assertTrue(artifacts.isArray() && artifacts.size() == 1, () -> done.toString());
    long artifactId = artifacts.get(0).asLong();
    KilnClient.Reply artifact = client.artifact(artifactId);
    assertEquals(200, artifact.status());
    assertEquals("debusine:work-request-debug-logs", artifact.body().get("category").asText());
    assertEquals(id, artifact.body().get("work_request_id").asLong());
    JsonNode file = artifact.body().path("files").path("noop.log");
    assertTrue(file.path("complete").asBoolean(), () -> artifact.body().toString());
    KilnClient.Download log = client.download(artifactId, "noop.log");
    assertEquals(200, log.status());
    assertEquals(file.get("sha256").asText(), log.sha256());
    assertEquals(file.get("size").asLong(), log.bytes().length);
    assertEquals("\"" + log.sha256() + "\"", log.etag());
    String text = new String(log.bytes(), StandardCharsets.UTF_8);
    assertTrue(
        text.contains(result ? "success" : "failure") || text.contains(String.valueOf(result)),
        text);

    // the completion event, on Kafka and as the workflow service recorded it
    JsonNode event = completionEvent(id);
    assertEquals(result ? "success" : "failure", event.get("result").asText());
    JsonSchema schema = schema("work-request.completed.v1");
    assertTrue(schema.validate(event).isEmpty(), () -> schema.validate(event).toString());
    JsonNode seen = awaitCompletionsSeen(id);
    assertEquals(1, seen.size(), seen::toString);
    assertEquals(event.get("event_id").asText(), seen.get(0).get("event_id").asText());
  }

  private static JsonNode awaitCompletionsSeen(long id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode body = client.completionsSeenByWorkflowService(id).body();
      if (body != null && body.size() > 0) {
        return body;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the workflow service never recorded work request " + id);
  }

  private static JsonNode completionEvent(long id) throws Exception {
    List<JsonNode> found =
        WorkRequestEvents.of(
            infra.bootstrapServers(), id, "work-request.completed.v1", Duration.ofSeconds(60));
    assertEquals(1, found.size(), "exactly one completion event on Kafka: " + found);
    return found.get(0);
  }

  private static JsonSchema schema(String event) throws Exception {
    try (InputStream in =
        PlatformRoundTripTest.class.getResourceAsStream("/events/" + event + ".schema.json")) {
      assertNotNull(in);
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }
}

package dev.kiln.scheduler;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.infra.KilnInfraTestResource;
import dev.kiln.task.server.lookup.LookupBatch;
import dev.kiln.task.server.lookup.LookupOutcome;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Preparation of pending work requests against the real database: configured task data, dynamic
 * data and tags persisted; lookups of many requests merged; transport failures retried; failed
 * lookups end the request as error. The lookup API is {@link FakeLookups} (no artifact service runs
 * here; {@code e2e-tests} prepares against the real one).
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class PreparationTest {

  static final String ADMIN = "Bearer kiln-dev-admin-token";
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ENV = "debian/match:codename=bookworm:architecture=amd64:format=tarball";

  @Inject FakeLookups lookups;
  @Inject EntityManager em;

  @AfterEach
  void release() {
    lookups.release();
  }

  private static String workspace() {
    return "prep-" + System.nanoTime();
  }

  private void environment(String ws, int sources) {
    for (int i = 1; i <= sources; i++) {
      lookups.artifact(
          ws, i + "@artifacts", i, "debian:source-package", "name", "pkg" + i, "version", "1.0-1");
    }
    lookups.artifact(
        ws, ENV, 700, "debian:system-tarball", "codename", "bookworm", "architecture", "amd64");
  }

  private static long create(String ws, int source) {
    return create(
        "{'task_name': 'sbuild', 'workspace': '%s', 'task_data': {'input':"
            + " {'source_artifact': '%d@artifacts'}, 'environment':"
            + " 'debian/match:codename=bookworm'}}",
        ws, source);
  }

  /** Submits a work request (JSON with single quotes, formatted with these arguments). */
  private static long create(String json, Object... args) {
    return ((Number)
            given()
                .header("Authorization", ADMIN)
                .contentType("application/json")
                .body(json.formatted(args).replace('\'', '"'))
                .post("/api/v1/work-requests")
                .then()
                .statusCode(201)
                .extract()
                .path("id"))
        .longValue();
  }

  private static JsonNode get(long id) throws Exception {
    String body =
        given()
            .header("Authorization", ADMIN)
            .get("/api/v1/work-requests/{id}", id)
            .then()
            .statusCode(200)
            .extract()
            .asString();
    return JSON.readTree(body);
  }

  private static JsonNode await(long id, Predicate<JsonNode> done) throws Exception {
    for (int i = 0; i < 300; i++) {
      JsonNode wr = get(id);
      if (done.test(wr)) {
        return wr;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("work request " + id + " never got there: " + get(id));
  }

  private static boolean prepared(JsonNode wr) {
    return !wr.path("configured_task_data").isNull()
        && !wr.path("configured_task_data").isMissingNode();
  }

  private static boolean hasTag(JsonNode tags, String value, String provenance) {
    for (JsonNode t : tags) {
      if (t.path("value").asText().equals(value)
          && t.path("provenance").asText().equals(provenance)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void configuredDataDynamicDataAndTagsAreStoredNextToTheSubmittedData() throws Exception {
    String ws = workspace();
    environment(ws, 1);
    ObjectNode item = JsonNodeFactory.instance.objectNode();
    item.put("task_type", "worker").put("task_name", "sbuild").put("context", "bookworm");
    item.putObject("default_values").putArray("build_profiles").add("nocheck");
    ObjectNode configLookup = JsonNodeFactory.instance.objectNode();
    configLookup.put("collection", "default@debusine:task-configuration").put("child_type", "bare");
    lookups.answer(ws, configLookup, new LookupOutcome.BareItems(List.of(item)));

    long id = create(ws, 1);
    JsonNode wr = await(id, PreparationTest::prepared);

    assertTrue(wr.path("task_data").path("build_profiles").isMissingNode(), wr::toString);
    assertEquals("nocheck", wr.path("configured_task_data").path("build_profiles").get(0).asText());
    JsonNode env = wr.path("dynamic_task_data").path("inputs").path("environment");
    assertEquals(ENV, env.path("lookup").asText());
    assertEquals(700, env.path("artifact").path("id").asLong());
    assertEquals("bookworm", env.path("artifact").path("data").path("codename").asText());
    assertEquals("pkg1", wr.path("dynamic_task_data").path("subject").asText());
    JsonNode tags = wr.path("tags");
    assertTrue(hasTag(tags.path("required"), "arch:amd64", "system"), tags::toString);
    assertTrue(hasTag(tags.path("required"), "task:worker:sbuild:v1", "system"), tags::toString);
    assertTrue(hasTag(tags.path("required"), "tool:sbuild", "system"), tags::toString);
    assertTrue(hasTag(tags.path("provided"), "workspace:" + ws, "system"), tags::toString);

    // the tags as SQL can match them: required ⊆ what a worker provides
    Number fits =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    (Number)
                        em.createNativeQuery(
                                "SELECT count(*) FROM work_request w"
                                    + " JOIN work_request_tag_class c ON c.id = w.tag_class_id"
                                    + " WHERE w.id = ?1 AND c.required_tags <@ CAST(?2 AS text[])")
                            .setParameter(1, id)
                            .setParameter(
                                2,
                                "{arch:amd64,task:worker:sbuild:v1,tool:sbuild,tool:autopkgtest,executor:unshare}")
                            .getSingleResult());
    assertEquals(1, fits.intValue());
  }

  @Test
  void requestsWithEqualTagsShareOneTagClass() throws Exception {
    String ws = workspace();
    environment(ws, 2);
    long a = create(ws, 1);
    long b = create(ws, 2);
    JsonNode wa = await(a, PreparationTest::prepared);
    JsonNode wb = await(b, PreparationTest::prepared);
    assertEquals(wa.path("tags"), wb.path("tags"));
    List<?> classes =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    em.createNativeQuery(
                            "SELECT DISTINCT tag_class_id FROM work_request WHERE id IN (?1, ?2)")
                        .setParameter(1, a)
                        .setParameter(2, b)
                        .getResultList());
    assertEquals(1, classes.size());
  }

  @Test
  void lookupsOfManyPendingRequestsTravelInOneCall() throws Exception {
    String ws = workspace();
    environment(ws, 11);
    lookups.hold();
    long first = create(ws, 11);
    for (int i = 0; i < 300 && lookups.held() == 0; i++) {
      Thread.sleep(20);
    }
    assertEquals(1, lookups.held(), "the first request's lookups are in flight");
    List<Long> ids = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      ids.add(create(ws, i));
    }
    lookups.release();
    await(first, PreparationTest::prepared);
    for (long id : ids) {
      await(id, PreparationTest::prepared);
    }
    List<LookupBatch> batches = lookups.batches(ws);
    assertEquals(2, batches.size(), batches::toString);
    // ten source artifacts, the environment and the configuration collection, each once
    assertEquals(12, batches.get(1).lookups().size(), () -> batches.get(1).toString());
  }

  @Test
  void aTransportFailureLeavesTheRequestPendingAndIsRetried() throws Exception {
    String ws = workspace();
    environment(ws, 1);
    lookups.failNextCalls(2);
    long id = create(ws, 1);
    JsonNode wr = await(id, PreparationTest::prepared);
    assertNotEquals("completed", wr.path("status").asText(), wr::toString);
    assertTrue(lookups.batches(ws).size() >= 3, () -> lookups.batches(ws).toString());
    assertEquals(
        700,
        wr.path("dynamic_task_data")
            .path("inputs")
            .path("environment")
            .path("artifact")
            .path("id")
            .asLong());
  }

  @Test
  void anInputThatIsStillAPromiseLeavesTheRequestPendingUntilTheArtifactReplacesIt()
      throws Exception {
    String ws = workspace();
    environment(ws, 1);
    // The producer's promise is still in the workflow's internal collection.
    lookups.answer(
        ws,
        JsonNodeFactory.instance.textNode("1@artifacts"),
        new LookupOutcome.Failed(
            dev.kiln.scheduler.client.ArtifactLookupClient.PROMISE_NOT_READY,
            "'build-amd64' is still a promise of work request 7: not ready"));
    long id = create(ws, 1);
    for (int calls = 0; lookups.batches(ws).size() < 3 && calls < 300; calls++) {
      Thread.sleep(100); // retried after the (test) retry delay, several times
    }
    assertTrue(lookups.batches(ws).size() >= 3, () -> lookups.batches(ws).toString());
    JsonNode waiting = get(id);
    assertEquals("pending", waiting.path("status").asText(), waiting::toString);
    assertFalse(prepared(waiting), waiting::toString);
    // The producer succeeded and its reaction replaced the promise: now it prepares.
    lookups.artifact(ws, "1@artifacts", 1, "debian:source-package", "name", "pkg1");
    JsonNode wr = await(id, PreparationTest::prepared);
    assertEquals("pending", wr.path("status").asText(), wr::toString);
    assertEquals("pkg1", wr.path("dynamic_task_data").path("subject").asText(), wr::toString);
  }

  @Test
  void aFailedLookupEndsTheRequestAsErrorWithDynamicDataFailed() throws Exception {
    String ws = workspace();
    lookups.artifact(ws, "1@artifacts", 1, "debian:source-package", "name", "hello");
    long id = create(ws, 1);
    JsonNode wr = await(id, w -> w.path("status").asText().equals("completed"));
    assertEquals("error", wr.path("result").asText());
    assertFalse(prepared(wr));
    JsonNode error = wr.path("output_data").path("errors").get(0);
    assertEquals("dynamic-data-failed", error.path("code").asText());
    assertEquals("task_data.environment", error.path("field").asText());
    assertTrue(error.path("message").asText().contains("codename=bookworm"), error::toString);
  }

  @Test
  void aMissingExplicitConfigurationCollectionEndsTheRequestAsError() throws Exception {
    String ws = workspace();
    environment(ws, 1);
    long id = create("{'task_name': 'noop', 'workspace': '%s', 'task_data': {'result': true}}", ws);
    // noop has no task_configuration key: a missing default collection is no configuration
    JsonNode noop = await(id, PreparationTest::prepared);
    assertEquals(noop.path("task_data"), noop.path("configured_task_data"));

    long sbuild =
        create(
            "{'task_name': 'sbuild', 'workspace': '%s', 'task_data': {'input':"
                + " {'source_artifact': '1@artifacts'}, 'environment':"
                + " 'debian/match:codename=bookworm', 'task_configuration':"
                + " 'nightly@debusine:task-configuration'}}",
            ws);
    JsonNode wr = await(sbuild, w -> w.path("status").asText().equals("completed"));
    assertEquals("error", wr.path("result").asText());
    JsonNode error = wr.path("output_data").path("errors").get(0);
    assertEquals("task-configuration-failed", error.path("code").asText());
    assertTrue(error.path("message").asText().contains("nightly@debusine:task-configuration"));
  }
}

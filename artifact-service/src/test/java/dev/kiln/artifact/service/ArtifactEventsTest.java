package dev.kiln.artifact.service;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.kiln.artifact.Fixtures;
import dev.kiln.artifact.retention.RetentionService;
import dev.kiln.infra.KilnInfraTestResource;
import dev.kiln.outbox.OutboxRepository;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The artifact service's events, read back from the real broker: one {@code artifact.created.v1}
 * per declared artifact, one {@code artifact.expired.v1} per artifact a sweep deleted, each valid
 * against its schema in api-contracts.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class ArtifactEventsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "kiln.artifacts";

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Inject OutboxRepository outbox;
  @Inject RetentionService retention;
  @Inject AgroalDataSource dataSource;
  @Inject KafkaClientService kafka;

  @Test
  void declaringAnArtifactPublishesOneCreatedEvent() throws Exception {
    String ws = "events-" + System.nanoTime();
    byte[] content = Fixtures.uniqueContent();
    String json =
        "{\"category\":\""
            + Fixtures.LOGS
            + "\",\"workspace\":\""
            + ws
            + "\",\"data\":{},\"files\":{\"log.txt\":{\"size\":"
            + content.length
            + ",\"sha256\":\""
            + Fixtures.sha256(content)
            + "\"},\"empty\":{\"size\":0,\"sha256\":\""
            + Fixtures.sha256(new byte[0])
            + "\"}}}";
    JsonPath created =
        Fixtures.create(Fixtures.ADMIN, json).then().statusCode(201).extract().jsonPath();
    long id = created.getLong("id");
    Fixtures.upload(Fixtures.ADMIN, id, "log.txt", content).then().statusCode(201);

    List<KafkaTopic.Rec> records = eventsOf(id, "artifact.created.v1");
    assertEquals(1, records.size(), "exactly one created event: " + records);
    KafkaTopic.Rec r = records.get(0);
    JsonNode e = JSON.readTree(r.value());
    assertValid("artifact.created.v1", e);
    assertEquals(String.valueOf(id), r.key());
    assertEquals("artifact.created.v1", r.headers().get("event_type"));
    assertEquals(e.get("event_id").asText(), r.headers().get("event_id"));
    assertEquals(ws, e.get("workspace").asText());
    assertEquals(Fixtures.LOGS, e.get("category").asText());
    assertEquals(created.getString("created_by"), e.get("created_by").asText());
    assertEquals(
        Instant.parse(created.getString("created_at")),
        Instant.parse(e.get("created_at").asText()));
    assertTrue(e.get("work_request_id").isNull());
    // as declared: the log awaits its bytes, the empty file is complete at once
    assertEquals(content.length, e.at("/files/log.txt/size").asLong());
    assertEquals(Fixtures.sha256(content), e.at("/files/log.txt/sha256").asText());
    assertFalse(e.at("/files/log.txt/complete").asBoolean());
    assertTrue(e.at("/files/empty/complete").asBoolean());
    assertEquals("[\"log.txt\"]", e.get("files_to_upload").toString());
    assertFalse(e.get("complete").asBoolean());
  }

  @Test
  void aSweepPublishesOneExpiredEventPerDeletedArtifactAndNoneForKeptOnes() throws Exception {
    String ws = "expiry-" + System.nanoTime();
    given()
        .header("Authorization", Fixtures.ADMIN)
        .contentType("application/json")
        .body("{\"default_expiration_delay\":\"PT1S\"}")
        .put("/api/v1/workspaces/{ws}/retention", ws)
        .then()
        .statusCode(200);
    Set<Long> expiring = new TreeSet<>();
    for (int i = 0; i < 3; i++) {
      expiring.add(declare(ws, null));
    }
    long forever = declare(ws, "PT0S");
    long related = declare(ws, null); // expired, but `forever` relates to it
    given()
        .header("Authorization", Fixtures.ADMIN)
        .contentType("application/json")
        .body("{\"target\":" + related + ",\"type\":\"relates-to\"}")
        .post("/api/v1/artifacts/{id}/relations", forever)
        .then()
        .statusCode(201);

    // as of a minute from now every one-second delay has passed: no need to sleep
    RetentionService.SweepResult swept = retention.sweep(Instant.now().plusSeconds(60));
    assertTrue(swept.deletedArtifacts() >= expiring.size(), "swept " + swept);

    awaitOutboxDrained();
    List<KafkaTopic.Rec> all = KafkaTopic.readAll(bootstrap, TOPIC);
    Map<Long, KafkaTopic.Rec> expired = new HashMap<>();
    Map<Long, KafkaTopic.Rec> created = new HashMap<>();
    for (KafkaTopic.Rec r : all) {
      JsonNode e = JSON.readTree(r.value());
      if (!ws.equals(e.path("workspace").asText())) {
        continue;
      }
      long artifact = e.get("artifact_id").asLong();
      String type = e.get("event_type").asText();
      if (type.equals("artifact.expired.v1")) {
        assertValid(type, e);
        assertEquals(String.valueOf(artifact), r.key());
        assertEquals(type, r.headers().get("event_type"));
        assertEquals(Fixtures.LOGS, e.get("category").asText());
        assertTrue(expired.put(artifact, r) == null, "one expired event per artifact: " + r);
      } else if (type.equals("artifact.created.v1")) {
        created.put(artifact, r);
      }
    }
    assertEquals(expiring, new TreeSet<>(expired.keySet()), "expired events of " + ws);
    assertFalse(expired.containsKey(forever));
    assertFalse(expired.containsKey(related));
    for (long id : expiring) {
      // same key, same partition: an artifact's expiry comes after its creation
      KafkaTopic.Rec c = created.get(id);
      assertNotNull(c, "created event of " + id);
      assertEquals(c.partition(), expired.get(id).partition());
      assertTrue(c.offset() < expired.get(id).offset());
      given()
          .header("Authorization", Fixtures.ADMIN)
          .get("/api/v1/artifacts/{id}", id)
          .then()
          .statusCode(404);
    }
  }

  @Test
  void eachServiceOutboxHasItsOwnRelayLock() throws Exception {
    long own = QuarkusTransaction.requiringNew().call(outbox::relayLockKey);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      // another service's outbox, as the scheduler's lives in its own schema
      s.execute("CREATE SCHEMA IF NOT EXISTS outbox_probe");
      s.execute(
          "CREATE TABLE IF NOT EXISTS outbox_probe.outbox_event"
              + " (LIKE artifact.outbox_event INCLUDING ALL)");
      long other =
          QuarkusTransaction.requiringNew()
              .call(() -> outbox.lockKeyOf("outbox_probe.outbox_event"));
      assertFalse(own == other, "different tables, different keys");

      // another relay holding its lock does not stop this one...
      s.execute("SELECT pg_advisory_lock(" + other + ")");
      boolean acquired = false;
      // (our own relay thread may hold our lock for the instant of a batch: try a few times)
      for (int i = 0; i < 50 && !acquired; i++) {
        acquired = QuarkusTransaction.requiringNew().call(outbox::tryRelayLock);
      }
      assertTrue(acquired, "not blocked by another service's relay");
      s.execute("SELECT pg_advisory_unlock(" + other + ")");

      // ...while a replica of this service holding it does
      s.execute("SELECT pg_advisory_lock(" + own + ")");
      try {
        assertFalse(QuarkusTransaction.requiringNew().call(outbox::tryRelayLock));
      } finally {
        s.execute("SELECT pg_advisory_unlock(" + own + ")");
      }
    }
  }

  @Test
  void theRelayProducerWaitsForAllReplicas() {
    Map<String, ?> config = kafka.getProducer("kiln-outbox").configuration();
    assertEquals("all", String.valueOf(config.get("acks")));
    assertEquals("true", String.valueOf(config.get("enable.idempotence")));
  }

  private long declare(String ws, String delay) {
    String json = Fixtures.artifactJson(ws, "f", Fixtures.uniqueContent());
    if (delay != null) {
      json = json.substring(0, json.length() - 1) + ",\"expiration_delay\":\"" + delay + "\"}";
    }
    return Fixtures.createOk(Fixtures.ADMIN, json);
  }

  private List<KafkaTopic.Rec> eventsOf(long artifactId, String type) throws Exception {
    awaitOutboxDrained();
    return KafkaTopic.readAll(bootstrap, TOPIC).stream()
        .filter(
            r -> {
              try {
                JsonNode e = JSON.readTree(r.value());
                return e.get("artifact_id").asLong() == artifactId
                    && type.equals(e.get("event_type").asText());
              } catch (Exception ex) {
                throw new IllegalStateException(ex);
              }
            })
        .collect(Collectors.toList());
  }

  /** Every row committed so far has been acknowledged by the broker. */
  private void awaitOutboxDrained() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (QuarkusTransaction.requiringNew().call(outbox::countUnpublished) > 0
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(0L, QuarkusTransaction.requiringNew().call(outbox::countUnpublished));
  }

  private static void assertValid(String event, JsonNode payload) throws Exception {
    try (InputStream in =
        ArtifactEventsTest.class.getResourceAsStream("/events/" + event + ".schema.json")) {
      assertNotNull(in, "schema of " + event);
      JsonSchema schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
      Set<ValidationMessage> errors = schema.validate(payload);
      assertTrue(errors.isEmpty(), () -> event + ": " + errors + " in " + payload);
    }
  }
}

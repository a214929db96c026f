package dev.kiln.workflow;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class WorkRequestEventConsumerTest {

  static final String TOKEN = "Bearer kiln-dev-admin-token";

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Test
  void completionDeliveredTwiceIsRecordedOnce() throws Exception {
    long wrId = 1000 + (long) (Math.random() * 1_000_000);
    String eventId = UUID.randomUUID().toString();
    String payload =
        """
        {"event_id":"%s","event_type":"work-request.completed.v1","occurred_at":"%s",
         "work_request_id":%d,"root_workflow_id":null,"task_type":"worker","task_name":"noop",
         "workspace":"System","status":"completed","result":"failure","attempt":1}
        """
            .formatted(eventId, Instant.now(), wrId);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>("kiln.work-requests", "" + wrId, payload)).get();
      producer.send(new ProducerRecord<>("kiln.work-requests", "" + wrId, payload)).get();
      // a later, distinct event proves both copies were consumed before we look
      String marker =
          payload
              .replace(eventId, UUID.randomUUID().toString())
              .replace("\"work_request_id\":" + wrId, "\"work_request_id\":" + (wrId + 1));
      producer.send(new ProducerRecord<>("kiln.work-requests", "" + wrId, marker)).get();
    }

    awaitCompletions(wrId + 1, 1);
    given()
        .header("Authorization", TOKEN)
        .when()
        .get("/api/v1/work-requests/{id}/completions", wrId)
        .then()
        .statusCode(200)
        .body("$", hasSize(1))
        .body("[0].event_id", equalTo(eventId))
        .body("[0].result", equalTo("failure"))
        .body("[0].task_name", equalTo("noop"));
  }

  @Test
  void apiRequiresAToken() {
    given()
        .when()
        .get("/api/v1/work-requests/1/completions")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("status", equalTo(401));
    given()
        .header("Authorization", "Bearer wrong")
        .when()
        .get("/api/v1/work-requests/1/completions")
        .then()
        .statusCode(401);
  }

  private static void awaitCompletions(long wrId, int count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      int seen =
          given()
              .header("Authorization", TOKEN)
              .get("/api/v1/work-requests/{id}/completions", wrId)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath()
              .getList("$")
              .size();
      if (seen >= count) {
        assertEquals(count, seen);
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("work request " + wrId + " never reached the workflow service");
  }
}

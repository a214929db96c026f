package dev.kiln.scheduler;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.infra.KilnInfraTestResource;
import dev.kiln.infra.LocalInfra;
import dev.kiln.outbox.OutboxRepository;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A completion made while the broker is down is not lost: its event waits in the outbox and reaches
 * Kafka once the broker (killed with SIGKILL) is back.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class OutboxBrokerRestartTest {

  @TestHTTPResource URL url;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Inject OutboxRepository outbox;

  @Test
  void completionDuringABrokerCrashIsPublishedAfterTheRestart() throws Exception {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    LocalInfra infra = LocalInfra.shared();
    try (AgentProtocolTest.Agent agent =
        AgentProtocolTest.Agent.connect(channel, "agent-" + UUID.randomUUID())) {
      long wrId = AgentProtocolTest.createNoop(true);
      Assignment a = agent.nextAssignment(wrId);

      infra.killKafka();
      try {
        agent.stub.completeWorkRequest(
            AgentProtocolTest.complete(wrId, a.getAttempt(), WorkResult.WORK_RESULT_SUCCESS));
        given()
            .header("Authorization", AgentProtocolTest.ADMIN)
            .get("/api/v1/work-requests/{id}", wrId)
            .then()
            .body("status", org.hamcrest.Matchers.equalTo("completed"));
        // the state change committed; its event cannot have been acknowledged by a dead broker
        assertTrue(QuarkusTransaction.requiringNew().call(outbox::countUnpublished) >= 1);
      } finally {
        infra.restartKafka();
      }

      List<JsonNode> events = KafkaEvents.completions(bootstrap, wrId, Duration.ofSeconds(120));
      assertFalse(events.isEmpty(), "the completion event reached Kafka after the restart");
      String eventId = events.get(0).get("event_id").asText();
      for (JsonNode e : events) {
        // a batch may be sent again after a failure: every copy is the same event
        assertEquals(eventId, e.get("event_id").asText());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (QuarkusTransaction.requiringNew().call(outbox::countUnpublished) > 0
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertEquals(0L, QuarkusTransaction.requiringNew().call(outbox::countUnpublished));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}

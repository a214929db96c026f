package dev.kiln.scheduler;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.Drain;
import dev.kiln.api.scheduler.v1.Release;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.infra.KilnInfraTestResource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A draining agent: after Drain it is assigned nothing more, and an assignment it hands back
 * (Release) is pending again at once, without counting a retry, for another worker to take.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class AgentDrainTest {

  @TestHTTPResource URL url;
  String ws = LifecycleTest.workspace();

  @AfterEach
  void cleanUp() {
    LifecycleTest.abortUnfinished(ws);
  }

  int create() {
    return given()
        .header("Authorization", LifecycleTest.ADMIN)
        .contentType("application/json")
        .body(
            "{\"task_name\":\"noop\",\"task_data\":{\"result\":true},\"priority_base\":900000,"
                + "\"workspace\":\""
                + ws
                + "\"}")
        .post("/api/v1/work-requests")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  @Test
  void aDrainingAgentGetsNothingMoreAndWhatItHandsBackGoesToAnotherWorker() throws Exception {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    int first = create(); // before the agent connects: its one slot goes to this one
    try (AgentProtocolTest.Agent draining =
        AgentProtocolTest.Agent.connect(
            channel, "drain-" + UUID.randomUUID(), 1, "arch:amd64", "task:worker:noop:v1")) {
      Assignment a = draining.nextAssignment(first);
      draining.send(AgentMessage.newBuilder().setDrain(Drain.getDefaultInstance()).build());
      draining.send(
          AgentMessage.newBuilder()
              .setRelease(
                  Release.newBuilder()
                      .setWorkRequestId(first)
                      .setAttempt(a.getAttempt())
                      .setReason("draining"))
              .build());
      JsonPath back = LifecycleTest.awaitStatus(first, "pending");
      assertEquals(0, back.getInt("retry_count"), "a hand-back is no retry");

      int second = create();
      Thread.sleep(1500); // more than a dispatch interval: a full pass has run
      assertTrue(
          draining.inbox.stream().noneMatch(ServerMessage::hasAssignment),
          "nothing was assigned to the draining agent: " + draining.inbox);
      assertEquals("pending", LifecycleTest.get(second).getString("status"));

      try (AgentProtocolTest.Agent other =
          AgentProtocolTest.Agent.connect(
              channel, "other-" + UUID.randomUUID(), 2, "arch:amd64", "task:worker:noop:v1")) {
        Assignment again = other.nextAssignment(first);
        assertEquals(a.getAttempt() + 1, again.getAttempt(), "a new attempt, fenced");
        other.nextAssignment(second);
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}

package dev.kiln.scheduler;

import static dev.kiln.scheduler.LifecycleTest.ADMIN;
import static dev.kiln.scheduler.LifecycleTest.awaitStatus;
import static dev.kiln.scheduler.LifecycleTest.created;
import static dev.kiln.scheduler.LifecycleTest.edge;
import static dev.kiln.scheduler.LifecycleTest.get;
import static dev.kiln.scheduler.LifecycleTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.infra.KilnInfraTestResource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Results reported by a real agent connection drive the dependency rules, and aborting a workflow
 * stops its running work on the agent.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class LifecycleAgentTest {

  @TestHTTPResource URL url;

  static String child(String key, boolean result) {
    return "{\"key\":\""
        + key
        + "\",\"parent\":\"wf\",\"task_name\":\"noop\","
        + "\"task_data\":{\"result\":"
        + result
        + "}}";
  }

  @Test
  void agentResultsUnblockOrAbortDependentsAndAWorkflowAbortReachesTheAgent() throws Exception {
    String ws = LifecycleTest.workspace();
    // A high priority, so that the agent takes these before anything other tests left pending.
    Map<String, Integer> ids =
        created(
            ADMIN,
            "{\"nodes\":[{\"key\":\"wf\",\"task_type\":\"workflow\",\"task_name\":\"t\","
                + "\"task_data\":{},\"priority_base\":900000,\"workspace\":\""
                + ws
                + "\"},"
                + String.join(
                    ",", child("a", true), child("f", false), child("b", true), child("g", true))
                + "],\"edges\":["
                + edge("b", "a")
                + ","
                + edge("g", "f")
                + "]}");
    awaitStatus(ids.get("a"), "pending");
    awaitStatus(ids.get("f"), "pending");
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    try (AgentProtocolTest.Agent agent =
        AgentProtocolTest.Agent.connect(channel, "lifecycle-" + UUID.randomUUID())) {
      Assignment a = agent.nextAssignment(ids.get("a"));
      agent.stub.completeWorkRequest(
          AgentProtocolTest.complete(ids.get("a"), a.getAttempt(), WorkResult.WORK_RESULT_SUCCESS));
      assertEquals("pending", get(ids.get("b")).getString("status"), "a succeeded");
      assertEquals("blocked", get(ids.get("g")).getString("status"));

      Assignment f = agent.nextAssignment(ids.get("f"));
      agent.stub.completeWorkRequest(
          AgentProtocolTest.complete(ids.get("f"), f.getAttempt(), WorkResult.WORK_RESULT_FAILURE));
      assertEquals("aborted", get(ids.get("g")).getString("status"), "f failed");

      Assignment b = agent.nextAssignment(ids.get("b"));
      post(ADMIN, "abort", ids.get("wf"), "{}").then().statusCode(200);
      ServerMessage abort =
          agent.next(m -> m.hasAbort() && m.getAbort().getWorkRequestId() == ids.get("b"));
      assertEquals(b.getAttempt(), abort.getAbort().getAttempt());
      for (String k : List.of("wf", "b")) {
        assertEquals("aborted", get(ids.get(k)).getString("status"), k);
      }
      assertEquals("completed", get(ids.get("a")).getString("status"), "ended ones stay");
    } finally {
      channel.shutdownNow();
      LifecycleTest.abortUnfinished(ws);
    }
  }
}

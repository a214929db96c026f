package dev.kiln.scheduler;

import static dev.kiln.scheduler.LifecycleTest.ADMIN;
import static dev.kiln.scheduler.LifecycleTest.WORKFLOW;
import static dev.kiln.scheduler.LifecycleTest.awaitStatus;
import static dev.kiln.scheduler.LifecycleTest.complete;
import static dev.kiln.scheduler.LifecycleTest.created;
import static dev.kiln.scheduler.LifecycleTest.edge;
import static dev.kiln.scheduler.LifecycleTest.noop;
import static dev.kiln.scheduler.LifecycleTest.post;
import static dev.kiln.scheduler.LifecycleTest.waitTask;
import static dev.kiln.scheduler.LifecycleTest.workflowGraph;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.kiln.infra.KilnInfraTestResource;
import dev.kiln.infra.WorkRequestEvents;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Every lifecycle event reaches the real broker, fits its JSON Schema in api-contracts, and the
 * events of one workflow arrive on one partition in the order they happened.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class LifecycleEventsTest {

  private static final Set<String> ALL =
      Set.of(
          "work-request.created.v1",
          "work-request.status-changed.v1",
          "work-request.completed.v1",
          "work-request.aborted.v1",
          "work-request.retried.v1",
          "work-request.server-task.v1",
          "workflow.orchestrate.v1");

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @Test
  void everyEventFitsItsSchemaAndOneWorkflowKeepsItsOrder() throws Exception {
    String ws = LifecycleTest.workspace();
    Map<String, Integer> ids =
        created(
            WORKFLOW,
            workflowGraph(
                ws,
                String.join(
                    ",",
                    "{\"key\":\"sp\",\"parent\":\"wf\",\"task_type\":\"internal\","
                        + "\"task_name\":\"synchronization_point\",\"task_data\":{}}",
                    "{\"key\":\"srv\",\"parent\":\"wf\",\"task_type\":\"server\","
                        + "\"task_name\":\"servernoop\",\"task_data\":{\"result\":true}}",
                    "{\"key\":\"cb\",\"parent\":\"wf\",\"task_type\":\"internal\","
                        + "\"task_name\":\"workflow\",\"task_data\":{},"
                        + "\"workflow_data\":{\"step\":\"collect\"}}",
                    waitTask("w", true),
                    noop("x"),
                    noop("n")),
                edge("n", "w")));
    int wf = ids.get("wf");
    awaitStatus(ids.get("sp"), "completed");
    awaitStatus(ids.get("srv"), "running");
    awaitStatus(ids.get("cb"), "running");
    awaitStatus(ids.get("w"), "running");
    awaitStatus(ids.get("x"), "pending");
    post(ADMIN, "abort", ids.get("x"), "{}").then().statusCode(200);
    post(ADMIN, "retry", ids.get("x"), "{}").then().statusCode(201);
    complete(ADMIN, ids.get("w"), "failure").then().statusCode(200);
    complete(WORKFLOW, ids.get("cb"), "success").then().statusCode(200);
    awaitStatus(ids.get("n"), "pending");

    List<WorkRequestEvents.Read> records = recordsOf(String.valueOf(wf), ALL);
    Set<String> seen = new HashSet<>();
    Set<Integer> partitions = new HashSet<>();
    List<String> order = new ArrayList<>();
    for (WorkRequestEvents.Read r : records) {
      JsonNode e = r.event();
      String type = e.get("event_type").asText();
      assertValid(type, e);
      seen.add(type);
      partitions.add(r.partition());
      order.add(type + "#" + e.get("work_request_id").asInt());
    }
    assertEquals(ALL, seen, "every lifecycle event type");
    assertEquals(1, partitions.size(), "one workflow, one partition: " + partitions);
    // cause before effect, in the order the relay read them from the outbox
    assertBefore(order, "work-request.created.v1#" + wf, "work-request.status-changed.v1#" + wf);
    assertBefore(order, "work-request.status-changed.v1#" + wf, "workflow.orchestrate.v1#" + wf);
    assertBefore(
        order,
        "work-request.created.v1#" + ids.get("sp"),
        "work-request.completed.v1#" + ids.get("sp"));
    assertBefore(
        order,
        "work-request.completed.v1#" + ids.get("w"),
        "work-request.status-changed.v1#" + ids.get("n"));
    assertBefore(
        order,
        "work-request.aborted.v1#" + ids.get("x"),
        "work-request.retried.v1#" + ids.get("x"));
    assertBefore(
        order,
        "workflow.orchestrate.v1#" + ids.get("cb"),
        "work-request.completed.v1#" + ids.get("cb"));
    LifecycleTest.abortUnfinished(ws);
  }

  private static void assertBefore(List<String> order, String first, String then) {
    int a = order.indexOf(first);
    int b = order.lastIndexOf(then);
    assertTrue(a >= 0, () -> first + " not seen in " + order);
    assertTrue(b >= 0, () -> then + " not seen in " + order);
    assertTrue(a < b, () -> first + " after " + then + " in " + order);
  }

  /** The records of one key, read from the start until every wanted type was seen. */
  private List<WorkRequestEvents.Read> recordsOf(String key, Set<String> wanted) throws Exception {
    return WorkRequestEvents.read(
        bootstrap,
        r -> key.equals(r.key()),
        found ->
            found.stream()
                .map(WorkRequestEvents.Read::type)
                .collect(Collectors.toSet())
                .containsAll(wanted),
        Duration.ofSeconds(60));
  }

  private static void assertValid(String event, JsonNode payload) throws Exception {
    try (InputStream in =
        LifecycleEventsTest.class.getResourceAsStream("/events/" + event + ".schema.json")) {
      assertNotNull(in, "schema of " + event);
      JsonSchema schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
      Set<ValidationMessage> errors = schema.validate(payload);
      assertTrue(errors.isEmpty(), () -> event + ": " + errors + " in " + payload);
    }
  }
}

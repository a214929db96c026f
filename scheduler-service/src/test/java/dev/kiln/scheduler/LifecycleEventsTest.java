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
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Every lifecycle event reaches the real broker, fits its JSON Schema in api-contracts, and the
 * events of one workflow arrive on one partition in the order they happened.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class LifecycleEventsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
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

    List<ConsumerRecord<String, String>> records = recordsOf(String.valueOf(wf), ALL);
    Set<String> seen = new HashSet<>();
    Set<Integer> partitions = new HashSet<>();
    List<String> order = new ArrayList<>();
    for (ConsumerRecord<String, String> r : records) {
      JsonNode e = JSON.readTree(r.value());
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
  private List<ConsumerRecord<String, String>> recordsOf(String key, Set<String> wanted)
      throws Exception {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            "test-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    Set<String> types = new HashSet<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("kiln.work-requests"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      int extraPolls = 0;
      while (System.nanoTime() < deadline && extraPolls < 3) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (key.equals(r.key())) {
            out.add(r);
            types.add(JSON.readTree(r.value()).get("event_type").asText());
          }
        }
        if (types.containsAll(wanted)) {
          extraPolls++;
        }
      }
    }
    return out;
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

package dev.kiln.workflow.template;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.common.auth.UserRole;
import dev.kiln.common.auth.UserToken;
import dev.kiln.infra.KilnInfraTestResource;
import dev.kiln.workflow.RecordedScheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Templates through the REST API against the real database, and starting workflows from them: the
 * scheduler's create call is checked against its recorded contract ({@link RecordedScheduler}).
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
@QuarkusTestResource(RecordedScheduler.class)
class WorkflowTemplateResourceTest {

  static final String ADMIN = "kiln-dev-admin-token";
  static final String SECRET = "kiln-dev-work-request-token-secret";

  private final String ws = "tpl-" + UUID.randomUUID().toString().substring(0, 8);

  private static String user(String name, String workspace, UserRole role) {
    Instant now = Instant.now();
    return new UserToken(name, Map.of(workspace, role), now, now.plus(Duration.ofHours(1)))
        .sign(SECRET);
  }

  private static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token).contentType("application/json");
  }

  private static String json(String s) {
    return s.replace('\'', '"');
  }

  private String pipeline(int priority) {
    return json(
        "{'name': 'bookworm-pipeline', 'task_name': 'debian_pipeline',"
            + " 'task_data': {'codename': 'bookworm', 'vendor': 'debian', 'enable_upload': false},"
            + " 'default_task_data': {'architectures': ['amd64'], 'enable_piuparts': false},"
            + " 'priority': "
            + priority
            + "}");
  }

  private String templates() {
    return "/api/v1/workspaces/" + ws + "/workflow-templates";
  }

  @Test
  void ownersWriteViewersReadAndTheTemplateIsStored() {
    String owner = user("olivia", ws, UserRole.OWNER);
    String viewer = user("victor", ws, UserRole.VIEWER);
    String contributor = user("carla", ws, UserRole.CONTRIBUTOR);

    as(contributor)
        .body(pipeline(0))
        .post(templates())
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body(
            "detail",
            equalTo("to manage workflow templates in workspace '" + ws + "' takes the role owner"));
    as(owner)
        .body(pipeline(5))
        .post(templates())
        .then()
        .statusCode(201)
        .header("Location", startsWith("http"))
        .body("name", equalTo("bookworm-pipeline"))
        .body("task_data.codename", equalTo("bookworm"))
        .body("priority", equalTo(5));
    as(owner).body(pipeline(0)).post(templates()).then().statusCode(409);

    as(viewer)
        .get(templates())
        .then()
        .statusCode(200)
        .body("name", contains("bookworm-pipeline"))
        .body("[0].default_task_data.architectures", contains("amd64"));
    as(viewer)
        .get(templates() + "/bookworm-pipeline")
        .then()
        .statusCode(200)
        .body("task_name", equalTo("debian_pipeline"));
    // another workspace's viewer sees nothing of it
    as(user("mallory", "elsewhere", UserRole.OWNER))
        .get(templates() + "/bookworm-pipeline")
        .then()
        .statusCode(403);
    as(viewer).body(pipeline(0)).put(templates() + "/bookworm-pipeline").then().statusCode(403);

    as(owner)
        .body(
            json(
                "{'task_name': 'debian_pipeline', 'task_data': {'codename': 'trixie'},"
                    + " 'priority': -3}"))
        .put(templates() + "/bookworm-pipeline")
        .then()
        .statusCode(200)
        .body("task_data.codename", equalTo("trixie"))
        .body("priority", equalTo(-3));
    as(viewer)
        .get(templates() + "/bookworm-pipeline")
        .then()
        .body("task_data.codename", equalTo("trixie"))
        .body("default_task_data.size()", equalTo(0));

    as(owner).delete(templates() + "/bookworm-pipeline").then().statusCode(204);
    as(owner).delete(templates() + "/bookworm-pipeline").then().statusCode(404);
    as(viewer).get(templates()).then().statusCode(200).body("$", hasSize(0));
  }

  @Test
  void anInvalidTemplateIsRefusedNamingEachField() {
    as(ADMIN)
        .body(
            json(
                "{'name': 'bad name', 'task_name': 'debian_pipeline',"
                    + " 'task_data': {'enable_qa': 'yes'}, 'default_task_data': {'colour': 'blue'}}"))
        .post(templates())
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("name"))
        .body("errors.field", hasItem("task_data.enable_qa"))
        .body("errors.field", hasItem("default_task_data.colour"));
    as(ADMIN)
        .body(json("{'name': 'x', 'task_name': 'no_such_workflow'}"))
        .post(templates())
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("task_name"));
    as(ADMIN)
        .body(json("{'name': 'x', 'task_name': 'noop', 'colour': 1}"))
        .post(templates())
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    // a priority above 0 is the owners' (and admins') only; contributors cannot write at all
    given().get(templates()).then().statusCode(401).contentType("application/problem+json");
  }

  @Test
  void startingAWorkflowMergesTheTemplateAndCreatesItThroughTheScheduler() {
    as(ADMIN).body(pipeline(2)).post(templates()).then().statusCode(201);
    String alice = user("alice", ws, UserRole.CONTRIBUTOR);
    String start =
        json(
            "{'template': 'bookworm-pipeline', 'task_data': {'source_artifact': 12,"
                + " 'architectures': ['amd64', 'arm64']}}");

    int before = RecordedScheduler.requestsTo("/api/v1/work-requests").size();
    JsonNode created =
        as(alice)
            .header("Idempotency-Key", "start-1")
            .body(start)
            .post("/api/v1/workspaces/" + ws + "/workflows")
            .then()
            .statusCode(201)
            .body("task_type", equalTo("workflow"))
            .body("status", equalTo("pending"))
            .extract()
            .as(JsonNode.class);

    List<RecordedScheduler.Request> sent = RecordedScheduler.requestsTo("/api/v1/work-requests");
    assertEquals(before + 1, sent.size());
    RecordedScheduler.Request r = sent.get(sent.size() - 1);
    assertEquals("POST", r.method());
    assertEquals("Bearer " + RecordedScheduler.SERVICE_TOKEN, r.headers().get("authorization"));
    JsonNode body = r.body();
    assertEquals("workflow", body.get("task_type").asText());
    assertEquals("debian_pipeline", body.get("task_name").asText());
    assertEquals(ws, body.get("workspace").asText());
    assertEquals(2, body.get("priority_base").asInt());
    assertEquals(
        "bookworm-pipeline", body.path("workflow_data").path("workflow_template_name").asText());
    JsonNode data = body.get("task_data");
    assertEquals("bookworm", data.get("codename").asText());
    assertEquals(12, data.get("source_artifact").asInt());
    assertEquals(2, data.get("architectures").size());
    assertEquals(false, data.get("enable_piuparts").asBoolean());
    String key = r.headers().get("idempotency-key");
    assertTrue(key.startsWith("workflow-start:"), key);
    assertNotEquals("start-1", key);

    // the same key again: the same work request, nothing new
    as(alice)
        .header("Idempotency-Key", "start-1")
        .body(start)
        .post("/api/v1/workspaces/" + ws + "/workflows")
        .then()
        .statusCode(200)
        .body("id", equalTo(created.get("id").asInt()));
    // another user's same key is another key
    as(user("bob", ws, UserRole.CONTRIBUTOR))
        .header("Idempotency-Key", "start-1")
        .body(start)
        .post("/api/v1/workspaces/" + ws + "/workflows")
        .then()
        .statusCode(201);
    List<RecordedScheduler.Request> all = RecordedScheduler.requestsTo("/api/v1/work-requests");
    assertNotEquals(
        all.get(all.size() - 1).headers().get("idempotency-key"),
        all.get(all.size() - 2).headers().get("idempotency-key"));
    // the same key with another body: the scheduler's 409 is passed on
    as(alice)
        .header("Idempotency-Key", "start-1")
        .body(json("{'template': 'bookworm-pipeline', 'task_data': {'source_artifact': 13}}"))
        .post("/api/v1/workspaces/" + ws + "/workflows")
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
  }

  @Test
  void invalidStartDataIsRefusedNamingTheFieldAndReachesNoScheduler() {
    as(ADMIN).body(pipeline(0)).post(templates()).then().statusCode(201);
    String alice = user("alice", ws, UserRole.CONTRIBUTOR);
    int before = RecordedScheduler.requestsTo("/api/v1/work-requests").size();

    as(alice)
        .body(
            json(
                "{'template': 'bookworm-pipeline', 'task_data': {'source_artifact': 12,"
                    + " 'codename': 'trixie'}}"))
        .post("/api/v1/workspaces/" + ws + "/workflows")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("task_data.codename"))
        .body(
            "errors[0].message", equalTo("is fixed by the workflow template 'bookworm-pipeline'"));
    as(alice)
        .body(json("{'template': 'bookworm-pipeline', 'task_data': {'enable_qa': 'yes'}}"))
        .post("/api/v1/workspaces/" + ws + "/workflows")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("task_data.enable_qa"))
        .body("errors.field", hasItem("task_data.source_artifact"));
    as(alice)
        .body(json("{'template': 'nope', 'task_data': {}}"))
        .post("/api/v1/workspaces/" + ws + "/workflows")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("template"));
    as(user("vera", ws, UserRole.VIEWER))
        .body(json("{'template': 'bookworm-pipeline', 'task_data': {'source_artifact': 12}}"))
        .post("/api/v1/workspaces/" + ws + "/workflows")
        .then()
        .statusCode(403);
    assertEquals(before, RecordedScheduler.requestsTo("/api/v1/work-requests").size());
  }

  @Test
  void theOpenApiDocumentListsTheTemplateEndpoints() {
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/workspaces/{workspace}/workflows"))
        .body(
            "paths",
            org.hamcrest.Matchers.hasKey(
                "/api/v1/workspaces/{workspace}/workflow-templates/{name}"));
  }
}

package dev.kiln.scheduler;

import static dev.kiln.scheduler.LifecycleTest.ADMIN;
import static dev.kiln.scheduler.LifecycleTest.WORKFLOW;
import static dev.kiln.scheduler.LifecycleTest.awaitStatus;
import static dev.kiln.scheduler.LifecycleTest.complete;
import static dev.kiln.scheduler.LifecycleTest.get;
import static dev.kiln.scheduler.LifecycleTest.post;
import static dev.kiln.scheduler.LifecycleTest.user;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.infra.KilnInfraTestResource;
import dev.kiln.task.JsonDataSchema;
import dev.kiln.task.TaskJson;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's side of workflow orchestration (issue #6) through the REST API, against the real
 * database: graph mutations (ensure-child by key, idempotency, conflicts, cycles, 10,000 children
 * in one request), the graph view, and workflow completion when the last child finishes.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class WorkflowGraphTest {

  private static final List<String> WORKSPACES = new CopyOnWriteArrayList<>();

  @AfterEach
  void abortWhatIsLeft() {
    for (String ws : WORKSPACES) {
      LifecycleTest.abortUnfinished(ws);
    }
    WORKSPACES.clear();
  }

  static String workspace() {
    String ws = "wg-" + System.nanoTime();
    WORKSPACES.add(ws);
    return ws;
  }

  /** A running root workflow of a new workspace. */
  static int runningRoot(String ws) throws Exception {
    int id =
        given()
            .header("Authorization", ADMIN)
            .contentType("application/json")
            .body(
                Map.of(
                    "task_type",
                    "workflow",
                    "task_name",
                    "noop",
                    "task_data",
                    Map.of(),
                    "workspace",
                    ws))
            .post("/api/v1/work-requests")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    awaitStatus(id, "running");
    return id;
  }

  /** A wait task the tests complete through the API with the result they want. */
  static Map<String, Object> waitChild(String key, String parent, boolean allowFailure) {
    Map<String, Object> wd = new LinkedHashMap<>();
    wd.put("needs_input", true);
    if (allowFailure) {
      wd.put("allow_failure", true);
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("key", key);
    if (parent != null) {
      c.put("parent", parent);
    }
    c.put("task_type", "wait");
    c.put("task_name", "externaldebsign");
    c.put("task_data", Map.of("unsigned", 1));
    c.put("workflow_data", wd);
    c.put("on_success", List.of());
    return c;
  }

  static Map<String, Object> noopChild(String key, Map<String, Object> taskData) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("key", key);
    c.put("task_type", "worker");
    c.put("task_name", "noop");
    c.put("task_data", taskData);
    c.put("workflow_data", Map.of("display_name", "noop " + key));
    c.put(
        "on_success",
        List.of(
            Map.of(
                "action",
                "update-collection-with-artifacts",
                "collection",
                "internal@collections",
                "name_template",
                "out-" + key)));
    return c;
  }

  /** A workflow callback (internal/workflow): retriable, completed through the API. */
  static Map<String, Object> callbackChild(String key, String step) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("key", key);
    c.put("task_type", "internal");
    c.put("task_name", "workflow");
    c.put("task_data", Map.of());
    c.put("workflow_data", Map.of("step", step));
    c.put("on_success", List.of());
    return c;
  }

  static Map<String, Object> subWorkflow(String key) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("key", key);
    c.put("task_type", "workflow");
    c.put("task_name", "noop");
    c.put("task_data", Map.of());
    c.put("workflow_data", Map.of());
    c.put("on_success", List.of());
    return c;
  }

  static Map<String, String> edge(String child, String dependsOn) {
    return Map.of("child", child, "depends_on", dependsOn);
  }

  static Map<String, Object> mutation(
      int root, String key, List<Map<String, Object>> children, List<Map<String, String>> edges) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workflow_id", root);
    m.put("trigger", "populate");
    m.put("idempotency_key", key);
    m.put("children", children);
    m.put("edges", edges);
    m.put("promises", List.of());
    m.put("bare_items", List.of());
    return m;
  }

  static Response mutate(String auth, int root, Object body) {
    return given()
        .header("Authorization", auth)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/workflows/{id}/graph-mutations", root);
  }

  /** Applies a mutation and returns the work request of each key. */
  static Map<String, Integer> applied(int root, Map<String, Object> body) {
    return mutate(WORKFLOW, root, body)
        .then()
        .statusCode(200)
        .body("duplicate", equalTo(false))
        .extract()
        .jsonPath()
        .getMap("children");
  }

  static JsonPath graph(String auth, int id) {
    return given()
        .header("Authorization", auth)
        .get("/api/v1/workflows/{id}/graph", id)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** The statuses of a workflow's descendants by key, from the graph view. */
  static Map<String, String> statuses(int root) {
    Map<String, String> out = new HashMap<>();
    for (Map<String, Object> n : graph(ADMIN, root).<Map<String, Object>>getList("nodes")) {
      out.put((String) n.get("key"), (String) n.get("status"));
    }
    return out;
  }

  static int childCount(int parent) {
    return given()
        .header("Authorization", ADMIN)
        .queryParam("parent_id", parent)
        .queryParam("limit", 500)
        .get("/api/v1/work-requests")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("items")
        .size();
  }

  // ---------------------------------------------------------------------------------------------
  // Mutations

  @Test
  void aMutationEnsuresChildrenByKeyAndARepeatedKeyChangesNothing() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    Map<String, Object> body =
        mutation(
            root,
            "wf-" + root + "/populate/1",
            List.of(
                waitChild("gate", null, false),
                noopChild("build", Map.of("result", true)),
                subWorkflow("qa"),
                waitChild("qa/check", "qa", false)),
            List.of(edge("build", "gate")));
    assertEquals(
        List.of(),
        JsonDataSchema.load("/commands/workflow-graph-mutation.v1.schema.json", "body")
            .validate(TaskJson.toTree(body)),
        "the tests send what the contract describes");
    JsonPath first =
        mutate(WORKFLOW, root, body)
            .then()
            .statusCode(200)
            .body("duplicate", equalTo(false))
            .body("created", equalTo(4))
            .extract()
            .jsonPath();
    Map<String, Integer> ids = first.getMap("children");
    assertEquals(
        List.of(),
        JsonDataSchema.load("/api/workflow-graph-mutation-result.v1.schema.json", "body")
            .validate(TaskJson.parse(first.prettify())));
    assertEquals(List.of("gate", "build", "qa", "qa/check"), new ArrayList<>(ids.keySet()));
    assertEquals("blocked", get(ids.get("build")).getString("status"));
    assertEquals("running", get(ids.get("qa")).getString("status"), "a sub-workflow runs at once");
    assertEquals(ids.get("qa"), get(ids.get("qa/check")).getInt("parent_id"));
    assertNotEquals("blocked", get(ids.get("gate")).getString("status"));
    assertEquals(3, childCount(root));

    // The same mutation again (a redelivered event): the first answer, nothing new.
    mutate(WORKFLOW, root, body)
        .then()
        .statusCode(200)
        .body("duplicate", equalTo(true))
        .body("created", equalTo(4))
        .body("children.build", equalTo(ids.get("build")));
    assertEquals(3, childCount(root));
    assertEquals(1, childCount(ids.get("qa")));

    // Another key with the same children (a re-run populate): ensure-child leaves them alone.
    Map<String, Object> again = new LinkedHashMap<>(body);
    again.put("idempotency_key", "wf-" + root + "/populate/2");
    mutate(WORKFLOW, root, again)
        .then()
        .statusCode(200)
        .body("duplicate", equalTo(false))
        .body("created", equalTo(0))
        .body("children.qa", equalTo(ids.get("qa")));
    assertEquals(3, childCount(root));
  }

  @Test
  void aKnownKeyWithAnotherSpecIsA409AndNothingIsWritten() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    Map<String, Integer> ids =
        applied(
            root,
            mutation(
                root,
                "k1",
                List.of(waitChild("gate", null, false), noopChild("a", Map.of("result", true))),
                List.of(edge("a", "gate"))));
    // A new child "b" and "a" with other task data: the whole mutation is refused.
    mutate(
            WORKFLOW,
            root,
            mutation(
                root,
                "k2",
                List.of(noopChild("b", Map.of("result", true)), noopChild("a", Map.of())),
                List.of(edge("b", "a"))))
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("children[1]"))
        .body("detail", containsString("another spec"));
    assertFalse(statuses(root).containsKey("b"), "nothing of the refused mutation is written");
    assertEquals(2, childCount(root));

    // The same idempotency key with another body: 409 naming the key, nothing written.
    mutate(
            WORKFLOW,
            root,
            mutation(root, "k1", List.of(waitChild("other", null, false)), List.of()))
        .then()
        .statusCode(409)
        .body("errors.field", hasItem("idempotency_key"));
    assertFalse(statuses(root).containsKey("other"));
    // The refused key "k2" was not recorded: fixed, it applies.
    mutate(
            WORKFLOW,
            root,
            mutation(root, "k2", List.of(noopChild("b", Map.of("result", true))), List.of()))
        .then()
        .statusCode(200)
        .body("created", equalTo(1));
    assertEquals(ids.get("a"), graphNode(root, "a").get("id"));
  }

  static Map<String, Object> graphNode(int root, String key) {
    for (Map<String, Object> n : graph(ADMIN, root).<Map<String, Object>>getList("nodes")) {
      if (key.equals(n.get("key"))) {
        return n;
      }
    }
    throw new AssertionError("no node " + key);
  }

  @Test
  void cyclesUnknownKeysAndBadRequestsAreRefusedNamingTheField() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    mutate(
            WORKFLOW,
            root,
            mutation(
                root,
                "cycle",
                List.of(waitChild("a", null, false), waitChild("b", null, false)),
                List.of(edge("a", "b"), edge("b", "a"))))
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", hasItem(org.hamcrest.Matchers.startsWith("edges[")))
        .body("detail", containsString("cycle"));
    assertEquals(0, childCount(root));

    // A cycle through a stored edge: c -> d stored, then d -> c.
    applied(
        root,
        mutation(
            root,
            "cd",
            List.of(waitChild("c", null, false), waitChild("d", null, false)),
            List.of(edge("c", "d"))));
    mutate(WORKFLOW, root, mutation(root, "dc", List.of(), List.of(edge("d", "c"))))
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("edges[0]"));

    mutate(
            WORKFLOW,
            root,
            mutation(
                root, "unknown", List.of(waitChild("e", null, false)), List.of(edge("e", "x"))))
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("edges[0].depends_on"));
    mutate(
            WORKFLOW,
            root,
            mutation(root, "parent", List.of(waitChild("f", "nowhere", false)), List.of()))
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("children[0].parent"));
    mutate(
            WORKFLOW,
            root,
            mutation(root, "badkey", List.of(waitChild("/bad", null, false)), List.of()))
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("children[0].key"));
    mutate(WORKFLOW, root, mutation(root + 1, "other-root", List.of(), List.of()))
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("workflow_id"));
    assertEquals(2, childCount(root));

    String contributor = user("carol", ws, "contributor");
    mutate(contributor, root, mutation(root, "user", List.of(), List.of()))
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    mutate(WORKFLOW, 999_999_999, mutation(999_999_999, "none", List.of(), List.of()))
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  @Test
  void aStoredChildGivenADependencyWaitsForItAndARunningOneCannotGetOne() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    Map<String, Integer> ids =
        applied(
            root,
            mutation(
                root,
                "first",
                List.of(noopChild("p", Map.of("result", true)), waitChild("r", null, false)),
                List.of()));
    assertEquals("pending", get(ids.get("p")).getString("status"));
    awaitStatus(ids.get("r"), "running");
    Map<String, Integer> more =
        applied(
            root,
            mutation(
                root, "second", List.of(waitChild("g", null, false)), List.of(edge("p", "g"))));
    assertEquals("blocked", get(ids.get("p")).getString("status"), "p now waits for g");
    mutate(WORKFLOW, root, mutation(root, "third", List.of(), List.of(edge("r", "g"))))
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("edges[0]"));
    finish(more.get("g"), "success");
    assertEquals("pending", get(ids.get("p")).getString("status"), "g succeeded: p runs");
  }

  @Test
  void aMutationOfTenThousandChildrenAppliesInOneRequest() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    int n = 10_000;
    List<Map<String, Object>> children = new ArrayList<>(n + 1);
    List<Map<String, String>> edges = new ArrayList<>(n);
    children.add(waitChild("gate", null, false));
    for (int i = 0; i < n; i++) {
      children.add(noopChild("c" + i, Map.of("result", true)));
      edges.add(edge("c" + i, "gate"));
    }
    JsonPath r =
        patient()
            .header("Authorization", WORKFLOW)
            .contentType("application/json")
            .body(mutation(root, "big", children, edges))
            .post("/api/v1/workflows/{id}/graph-mutations", root)
            .then()
            .statusCode(200)
            .body("created", equalTo(n + 1))
            .extract()
            .jsonPath();
    assertEquals(n + 1, r.getMap("children").size());
    JsonPath g =
        patient()
            .header("Authorization", WORKFLOW)
            .get("/api/v1/workflows/{id}/graph", root)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(n + 1, g.getList("nodes").size());
    assertEquals(n, g.getList("edges").size());
    List<String> statuses = g.getList("nodes.status");
    assertEquals(n, statuses.stream().filter("blocked"::equals).count(), "all wait for the gate");
    // Replayed: nothing new, the same answer.
    patient()
        .header("Authorization", WORKFLOW)
        .contentType("application/json")
        .body(mutation(root, "big", children, edges))
        .post("/api/v1/workflows/{id}/graph-mutations", root)
        .then()
        .statusCode(200)
        .body("duplicate", equalTo(true))
        .body("children.c9999", equalTo(r.getInt("children.c9999")));
    assertEquals(
        n + 1,
        patient()
            .header("Authorization", ADMIN)
            .get("/api/v1/workflows/{id}/graph", root)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("nodes")
            .size());
    patient()
        .header("Authorization", ADMIN)
        .post("/api/v1/work-requests/{id}/abort", root)
        .then()
        .statusCode(200);
  }

  /**
   * A request that may take long on a loaded machine (10,000 rows and their events in one
   * transaction): the client waits up to five minutes instead of the default 30 s. Not a timed
   * assertion: only how long the client is willing to wait.
   */
  private static io.restassured.specification.RequestSpecification patient() {
    return given()
        .config(
            io.restassured.RestAssured.config()
                .httpClient(
                    io.restassured.config.HttpClientConfig.httpClientConfig()
                        .setParam("http.socket.timeout", 300_000)
                        .setParam("http.connection.timeout", 300_000)));
  }

  // ---------------------------------------------------------------------------------------------
  // The graph view

  @Test
  void theGraphViewShowsNodesByKeyWithEdgesReactionsAndTimes() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    Map<String, Integer> ids =
        applied(
            root,
            mutation(
                root,
                "view",
                List.of(
                    waitChild("gate", null, false),
                    noopChild("build", Map.of("result", true)),
                    subWorkflow("qa"),
                    waitChild("qa/check", "qa", true)),
                List.of(edge("build", "gate"), edge("qa/check", "build"))));
    JsonPath g = graph(user("vera", ws, "viewer"), root);
    String body =
        given()
            .header("Authorization", WORKFLOW)
            .get("/api/v1/workflows/{id}/graph", root)
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertEquals(
        List.of(),
        JsonDataSchema.load("/api/workflow-graph.v1.schema.json", "body")
            .validate(TaskJson.parse(body)),
        "the view matches its schema in api-contracts");
    assertEquals(root, g.getInt("workflow.id"));
    assertEquals("noop", g.getString("workflow.task_name"));
    assertEquals("running", g.getString("workflow.status"));
    assertEquals(ws, g.getString("workflow.workspace"));
    assertTrue(g.getString("workflow.started_at") != null);
    Map<String, Object> build = graphNode(root, "build");
    assertEquals(ids.get("build"), build.get("id"));
    assertNull(build.get("parent_key"));
    assertEquals("worker", build.get("task_type"));
    assertEquals("blocked", build.get("status"));
    assertEquals(Map.of("result", true), build.get("task_data"));
    assertEquals("noop build", ((Map<?, ?>) build.get("workflow_data")).get("display_name"));
    assertEquals(
        "update-collection-with-artifacts",
        ((Map<?, ?>) ((List<?>) build.get("on_success")).get(0)).get("action"));
    assertTrue(build.get("created_at") != null);
    assertNull(build.get("completed_at"));
    assertEquals("qa", graphNode(root, "qa/check").get("parent_key"));
    List<Map<String, Object>> edges = g.getList("edges");
    assertTrue(
        edges.stream()
            .anyMatch(
                e ->
                    "qa/check".equals(e.get("work_request"))
                        && "build".equals(e.get("depends_on"))));
    assertEquals(2, edges.size());

    // A sub-workflow's graph: its own descendants, parent_key null for its direct children.
    JsonPath sub = graph(WORKFLOW, ids.get("qa"));
    assertEquals("qa", sub.getString("workflow.key"));
    assertEquals(List.of("qa/check"), sub.getList("nodes.key"));
    assertNull(sub.getList("nodes.parent_key").get(0));

    given()
        .header("Authorization", user("mallory", "elsewhere", "owner"))
        .get("/api/v1/workflows/{id}/graph", root)
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/workflows/{id}/graph", ids.get("gate"))
        .then()
        .statusCode(404);
  }

  @Test
  void theEndpointsAreInTheOpenApiDocument() {
    String doc = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
    for (String path :
        List.of("/api/v1/workflows/{root_id}/graph-mutations", "/api/v1/workflows/{id}/graph")) {
      assertTrue(doc.contains("\"" + path + "\""), path);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Completion

  /** Waits until the wait task runs, then completes it with this result. */
  static void finish(int id, String result) throws Exception {
    awaitStatus(id, "running");
    complete(WORKFLOW, id, result).then().statusCode(200);
  }

  @Test
  void theWorkflowSucceedsWhenItsLastChildSucceedsUpToTheRoot() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    Map<String, Integer> ids =
        applied(
            root,
            mutation(
                root,
                "ok",
                List.of(
                    waitChild("a", null, false),
                    waitChild("b", null, true),
                    subWorkflow("sub"),
                    waitChild("sub/x", "sub", false)),
                List.of(edge("b", "a"))));
    finish(ids.get("a"), "success");
    finish(ids.get("b"), "failure"); // allowed to fail
    assertEquals("running", get(root).getString("status"), "sub/x is still open");
    finish(ids.get("sub/x"), "skipped");
    JsonPath sub = get(ids.get("sub"));
    assertEquals("completed", sub.getString("status"));
    assertEquals("success", sub.getString("result"));
    JsonPath r = get(root);
    assertEquals("completed", r.getString("status"), "the sub-workflow was the root's last child");
    assertEquals("success", r.getString("result"));
    assertTrue(r.getString("completed_at") != null);
  }

  @Test
  void aFailureWithoutAllowFailureFailsTheWorkflow() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    Map<String, Integer> ids =
        applied(
            root,
            mutation(
                root,
                "fail",
                List.of(waitChild("a", null, false), waitChild("b", null, false)),
                List.of()));
    finish(ids.get("a"), "failure");
    assertEquals("running", get(root).getString("status"));
    finish(ids.get("b"), "success");
    JsonPath r = get(root);
    assertEquals("completed", r.getString("status"));
    assertEquals("failure", r.getString("result"));
  }

  @Test
  void anAbortedChildAbortsTheWorkflowThroughTheAbortBatchPath() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    Map<String, Integer> ids =
        applied(
            root,
            mutation(
                root,
                "abort",
                List.of(
                    waitChild("a", null, false),
                    subWorkflow("sub"),
                    waitChild("sub/x", "sub", false),
                    waitChild("sub/y", "sub", false)),
                List.of()));
    finish(ids.get("a"), "success");
    // Aborting the sub-workflow aborts its children in one statement; the root then ends.
    post(ADMIN, "abort", ids.get("sub"), "{}").then().statusCode(200);
    assertEquals("aborted", get(ids.get("sub/y")).getString("status"));
    JsonPath r = get(root);
    assertEquals("aborted", r.getString("status"));
    assertEquals("", r.getString("result"));
  }

  @Inject EntityManager em;

  @Test
  void aChildTheLeaseReaperEndsCompletesTheWorkflow() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    Map<String, Integer> ids =
        applied(
            root,
            mutation(
                root,
                "reaper",
                List.of(noopChild("w", Map.of("result", true)), waitChild("other", null, false)),
                List.of()));
    finish(ids.get("other"), "success");
    // "w" runs past its time limit (as if an agent had it): the lease reaper's batch ends it.
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                em.createNativeQuery(
                        "UPDATE work_request SET status = 'running', attempt = 1,"
                            + " started_at = now() - interval '1 hour', time_limit = '1 second'"
                            + " WHERE id = ?1 AND status = 'pending'")
                    .setParameter(1, ids.get("w"))
                    .executeUpdate());
    JsonPath w =
        LifecycleTest.await(ids.get("w"), p -> "completed".equals(p.getString("status")), "ended");
    assertEquals("error", w.getString("result"));
    JsonPath r = awaitStatus(root, "completed");
    assertEquals("failure", r.getString("result"), "an error without allow_failure fails it");
  }

  @Test
  void anAbortedAllowFailureChildLeavesNoDependentBlocked() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    Map<String, Integer> ids =
        applied(
            root,
            mutation(
                root,
                "af",
                List.of(waitChild("optional", null, true), waitChild("after", null, false)),
                List.of(edge("after", "optional"))));
    assertEquals("blocked", get(ids.get("after")).getString("status"));
    post(ADMIN, "abort", ids.get("optional"), "{}").then().statusCode(200);
    assertNotEquals("blocked", get(ids.get("after")).getString("status"));
    assertNotEquals("aborted", get(ids.get("after")).getString("status"));
    assertEquals("running", get(root).getString("status"));
    finish(ids.get("after"), "success");
    // The workflow ends (Debusine's would hang): aborted, since a child was aborted.
    assertEquals("aborted", get(root).getString("status"));
  }

  @Test
  void aRetriedChildKeepsItsKeyAndTheSupersededAttemptDoesNotCount() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    Map<String, Object> body =
        mutation(
            root,
            "retry",
            List.of(callbackChild("a", "first"), waitChild("b", null, false)),
            List.of());
    Map<String, Integer> ids = applied(root, body);
    finish(ids.get("a"), "failure");
    int retried =
        post(ADMIN, "retry", ids.get("a"), "{}")
            .then()
            .statusCode(201)
            .extract()
            .path("work_request.id");
    Map<String, Object> a = graphNode(root, "a");
    assertEquals(retried, a.get("id"), "the key names the latest attempt");
    Map<String, Object> old =
        graph(ADMIN, root).<Map<String, Object>>getList("nodes").stream()
            .filter(n -> ids.get("a").equals(n.get("id")))
            .findFirst()
            .orElseThrow();
    assertEquals(retried, old.get("superseded_by"));
    // A re-run populate finds the retry under the key and creates nothing.
    Map<String, Object> again = new LinkedHashMap<>(body);
    again.put("idempotency_key", "retry-2");
    mutate(WORKFLOW, root, again)
        .then()
        .statusCode(200)
        .body("created", equalTo(0))
        .body("children.a", equalTo(retried));
    finish(ids.get("b"), "success");
    finish(retried, "success");
    JsonPath r = get(root);
    assertEquals("completed", r.getString("status"));
    assertEquals("success", r.getString("result"), "the failed, superseded attempt does not count");
  }

  @Test
  void aPopulateWithoutChildrenCompletesTheWorkflow() throws Exception {
    String ws = workspace();
    int root = runningRoot(ws);
    mutate(WORKFLOW, root, mutation(root, "empty", List.of(), List.of()))
        .then()
        .statusCode(200)
        .body("created", equalTo(0));
    JsonPath r = get(root);
    assertEquals("completed", r.getString("status"));
    assertEquals("success", r.getString("result"));
    // A redelivery after the end still gets its answer.
    mutate(WORKFLOW, root, mutation(root, "empty", List.of(), List.of()))
        .then()
        .statusCode(200)
        .body("duplicate", equalTo(true));
    // A new mutation of an ended workflow is refused.
    mutate(WORKFLOW, root, mutation(root, "late", List.of(waitChild("z", null, false)), List.of()))
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
  }
}

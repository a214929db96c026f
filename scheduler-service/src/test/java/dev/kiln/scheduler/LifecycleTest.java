package dev.kiln.scheduler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.common.auth.UserToken;
import dev.kiln.common.auth.WorkRequestToken;
import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The work request lifecycle through the REST API, against the real database: the transitions,
 * dependency rules, the six task types and who may do what.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class LifecycleTest {

  static final String ADMIN = "Bearer kiln-dev-admin-token";
  static final String WORKFLOW = "Bearer kiln-dev-workflow-service-token";
  static final String SECRET = "kiln-dev-work-request-token-secret";

  private static final List<String> WORKSPACES = new java.util.concurrent.CopyOnWriteArrayList<>();

  static String workspace() {
    String ws = "lc-" + System.nanoTime();
    WORKSPACES.add(ws);
    return ws;
  }

  /**
   * Aborts what a test leaves unfinished: the database is shared with the other test classes, whose
   * agents would otherwise be assigned these work requests instead of their own.
   */
  @AfterEach
  void abortWhatIsLeft() {
    for (String ws : WORKSPACES) {
      abortUnfinished(ws);
    }
    WORKSPACES.clear();
  }

  static void abortUnfinished(String ws) {
    for (String status : List.of("blocked", "pending", "running")) {
      List<Integer> ids =
          given()
              .header("Authorization", ADMIN)
              .queryParam("workspace", ws)
              .queryParam("status", status)
              .queryParam("limit", 500)
              .get("/api/v1/work-requests")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath()
              .getList("items.id");
      for (Integer id : ids) {
        post(ADMIN, "abort", id, "{}"); // 409 when a workflow's abort got it first
      }
    }
  }

  static String user(String name, String workspace, String role) {
    return "Bearer "
        + UserToken.issue(name, Map.of(workspace, role), null, Instant.now()).sign(SECRET);
  }

  static Response graph(String auth, String body) {
    return given()
        .header("Authorization", auth)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/work-requests/graph");
  }

  /** Creates a graph and returns its ids by key. */
  static Map<String, Integer> created(String auth, String body) {
    JsonPath p = graph(auth, body).then().statusCode(201).extract().jsonPath();
    Map<String, Map<String, Object>> wrs = p.getMap("work_requests");
    Map<String, Integer> ids = new java.util.LinkedHashMap<>();
    wrs.forEach((k, v) -> ids.put(k, (Integer) v.get("id")));
    return ids;
  }

  static String workflowGraph(String ws, String nodes, String edges) {
    return "{\"nodes\":[{\"key\":\"wf\",\"task_type\":\"workflow\",\"task_name\":\"test\","
        + "\"task_data\":{},\"workspace\":\""
        + ws
        + "\"}"
        + (nodes.isEmpty() ? "" : "," + nodes)
        + "],\"edges\":["
        + edges
        + "]}";
  }

  static String noop(String key) {
    return "{\"key\":\""
        + key
        + "\",\"parent\":\"wf\",\"task_name\":\"noop\","
        + "\"task_data\":{\"result\":true}}";
  }

  static String waitTask(String key, boolean allowFailure) {
    return "{\"key\":\""
        + key
        + "\",\"parent\":\"wf\",\"task_type\":\"wait\",\"task_name\":\"externaldebsign\","
        + "\"task_data\":{\"unsigned\":1},\"workflow_data\":{\"needs_input\":true"
        + (allowFailure ? ",\"allow_failure\":true" : "")
        + "}}";
  }

  static String edge(String from, String to) {
    return "{\"work_request\":\"" + from + "\",\"depends_on\":\"" + to + "\"}";
  }

  static JsonPath get(int id) {
    return given()
        .header("Authorization", ADMIN)
        .get("/api/v1/work-requests/{id}", id)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** Polls until the work request satisfies the condition (the router runs in the background). */
  static JsonPath await(int id, Predicate<JsonPath> condition, String what) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    JsonPath p = get(id);
    while (!condition.test(p) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      p = get(id);
    }
    assertTrue(condition.test(p), () -> "work request " + id + " never " + what + ": ");
    return p;
  }

  static JsonPath awaitStatus(int id, String status) throws Exception {
    return await(id, p -> status.equals(p.getString("status")), "became " + status);
  }

  static Response complete(String auth, int id, String result) {
    return given()
        .header("Authorization", auth)
        .contentType("application/json")
        .body("{\"result\":\"" + result + "\",\"output_data\":{\"signed\":42}}")
        .post("/api/v1/work-requests/{id}/complete", id);
  }

  static Response post(String auth, String path, int id, String body) {
    return given()
        .header("Authorization", auth)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/work-requests/{id}/" + path, id);
  }

  @Test
  void anIllegalTransitionIsA409NamingTheMove() {
    String ws = workspace();
    int id =
        given()
            .header("Authorization", ADMIN)
            .contentType("application/json")
            .body(
                "{\"task_name\":\"noop\",\"task_data\":{\"result\":true},\"workspace\":\""
                    + ws
                    + "\"}")
            .post("/api/v1/work-requests")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    post(ADMIN, "abort", id, "{}").then().statusCode(200).body("status", equalTo("aborted"));
    post(ADMIN, "abort", id, "{}")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", containsString("aborted -> aborted"));
    post(ADMIN, "retry", id, "{}").then().statusCode(201); // aborted: retriable once
    complete(ADMIN, id, "success")
        .then()
        .statusCode(409)
        .body("detail", containsString("its agent reports it"));
  }

  @Test
  void theEndpointsAreInTheOpenApiDocument() {
    String doc = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
    for (String path :
        List.of(
            "/api/v1/work-requests/graph",
            "/api/v1/work-requests/{id}/retry",
            "/api/v1/work-requests/{id}/unblock",
            "/api/v1/work-requests/{id}/complete",
            "/api/v1/work-requests/{id}/priority")) {
      assertTrue(doc.contains("\"" + path + "\""), path);
    }
  }

  @Test
  void aCycleIsRejectedNamingItsNodes() {
    String ws = workspace();
    graph(
            ADMIN,
            workflowGraph(
                ws,
                noop("a") + "," + noop("b") + "," + noop("c") + "," + noop("d"),
                edge("a", "b")
                    + ","
                    + edge("b", "c")
                    + ","
                    + edge("c", "a")
                    + ","
                    + edge("d", "a")))
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("dependency cycle among work requests a, b, c"))
        .body("errors.field", hasItem("edges"));
    // nothing of the graph was stored
    given()
        .header("Authorization", ADMIN)
        .queryParam("workspace", ws)
        .get("/api/v1/work-requests")
        .then()
        .statusCode(200)
        .body("items.size()", equalTo(0));
  }

  @Test
  void aDependencyOnAnotherWorkflowIsRejected() throws Exception {
    String ws = workspace();
    Map<String, Integer> one = created(ADMIN, workflowGraph(ws, noop("x"), ""));
    Map<String, Integer> two = created(ADMIN, workflowGraph(ws, "", ""));
    awaitStatus(two.get("wf"), "running");
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            "{\"task_name\":\"noop\",\"task_data\":{\"result\":true},\"parent_id\":"
                + two.get("wf")
                + ",\"dependencies\":["
                + one.get("x")
                + "]}")
        .post("/api/v1/work-requests")
        .then()
        .statusCode(400)
        .body("detail", containsString("cannot depend on work request #" + one.get("x")))
        .body("errors.field", hasItem("dependencies"));
    // inside the same workflow it is accepted, blocked while x has not run
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            "{\"task_name\":\"noop\",\"task_data\":{\"result\":true},\"parent_id\":"
                + one.get("wf")
                + ",\"dependencies\":["
                + one.get("x")
                + "]}")
        .post("/api/v1/work-requests")
        .then()
        .statusCode(201)
        .body("status", equalTo("blocked"))
        .body("workspace", equalTo(ws));
  }

  @Test
  void aFailureAbortsDependentsUnlessAllowedAndSkippedCountsAsSuccess() throws Exception {
    String ws = workspace();
    Map<String, Integer> ids =
        created(
            ADMIN,
            workflowGraph(
                ws,
                String.join(
                    ",",
                    waitTask("w1", false),
                    waitTask("w2", true),
                    waitTask("w3", false),
                    noop("n1"),
                    noop("n1b"),
                    noop("n2"),
                    noop("n3")),
                String.join(
                    ",", edge("n1", "w1"), edge("n1b", "n1"), edge("n2", "w2"), edge("n3", "w3"))));
    awaitStatus(ids.get("wf"), "running");
    for (String w : List.of("w1", "w2", "w3")) {
      awaitStatus(ids.get(w), "running");
    }
    for (String n : List.of("n1", "n1b", "n2", "n3")) {
      assertEquals("blocked", get(ids.get(n)).getString("status"), n);
    }
    complete(ADMIN, ids.get("w1"), "failure").then().statusCode(200);
    assertEquals("aborted", get(ids.get("n1")).getString("status"));
    assertEquals("aborted", get(ids.get("n1b")).getString("status"), "transitively");
    assertEquals("blocked", get(ids.get("n2")).getString("status"));

    complete(ADMIN, ids.get("w2"), "failure").then().statusCode(200);
    assertEquals("pending", get(ids.get("n2")).getString("status"), "allow_failure");

    complete(ADMIN, ids.get("w3"), "skipped").then().statusCode(200);
    assertEquals("pending", get(ids.get("n3")).getString("status"), "skipped is success");
    assertEquals("skipped", get(ids.get("w3")).getString("result"));
  }

  @Test
  void aFailureAbortsADependentThatStillWaitsForARunningDependency() throws Exception {
    // propagation skips dependents that still wait for a running dependency, unless one of their
    // dependencies failed or is blocked: n (a, b, c) is aborted by b's failure while c runs, and
    // so is n2 (n, c) through n; m (a, c) waits until c ends
    String ws = workspace();
    Map<String, Integer> ids =
        created(
            ADMIN,
            workflowGraph(
                ws,
                String.join(
                    ",",
                    waitTask("a", false),
                    waitTask("b", false),
                    waitTask("c", false),
                    noop("n"),
                    noop("n2"),
                    noop("m")),
                String.join(
                    ",",
                    edge("n", "a"),
                    edge("n", "b"),
                    edge("n", "c"),
                    edge("n2", "n"),
                    edge("n2", "c"),
                    edge("m", "a"),
                    edge("m", "c"))));
    for (String w : List.of("a", "b", "c")) {
      awaitStatus(ids.get(w), "running");
    }
    complete(ADMIN, ids.get("a"), "success").then().statusCode(200);
    for (String x : List.of("n", "n2", "m")) {
      assertEquals("blocked", get(ids.get(x)).getString("status"), x);
    }
    complete(ADMIN, ids.get("b"), "failure").then().statusCode(200);
    assertEquals("aborted", get(ids.get("n")).getString("status"), "b failed, c still runs");
    assertEquals("aborted", get(ids.get("n2")).getString("status"), "through n");
    assertEquals("blocked", get(ids.get("m")).getString("status"));
    complete(ADMIN, ids.get("c"), "success").then().statusCode(200);
    assertEquals("pending", get(ids.get("m")).getString("status"));
  }

  @Test
  void manualUnblockAcceptsAndRejectsByTheOwner() throws Exception {
    String ws = workspace();
    String manual = ",\"unblock_strategy\":\"manual\"}";
    Map<String, Integer> ids =
        created(
            ADMIN,
            workflowGraph(
                ws,
                noop("m1").replaceFirst("}$", manual) + "," + noop("m2").replaceFirst("}$", manual),
                ""));
    awaitStatus(ids.get("wf"), "running");
    assertEquals("blocked", get(ids.get("m1")).getString("status"));
    post(user("carol", ws, "contributor"), "unblock", ids.get("m1"), "{\"action\":\"accept\"}")
        .then()
        .statusCode(403)
        .body("detail", containsString("owner"));
    String owner = user("olga", ws, "owner");
    post(owner, "unblock", ids.get("m1"), "{\"action\":\"accept\",\"notes\":\"looks fine\"}")
        .then()
        .statusCode(200)
        .body("status", equalTo("pending"))
        .body("workflow_data.manual_unblock.log[0].user", equalTo("olga"))
        .body("workflow_data.manual_unblock.log[0].action", equalTo("accept"))
        .body("workflow_data.manual_unblock.log[0].notes", equalTo("looks fine"));
    post(owner, "unblock", ids.get("m2"), "{\"action\":\"reject\"}")
        .then()
        .statusCode(200)
        .body("status", equalTo("aborted"));
    post(owner, "unblock", ids.get("m1"), "{\"action\":\"accept\"}")
        .then()
        .statusCode(409)
        .body("detail", containsString("not blocked"));
    // a deps work request is not reviewed
    Map<String, Integer> other = created(ADMIN, workflowGraph(ws, noop("n"), ""));
    post(ADMIN, "unblock", other.get("n"), "{\"action\":\"accept\"}")
        .then()
        .statusCode(409)
        .body("detail", containsString("does not unblock manually"));
  }

  @Test
  void aSynchronizationPointCompletesAtOnce() throws Exception {
    String ws = workspace();
    Map<String, Integer> ids =
        created(
            WORKFLOW,
            workflowGraph(
                ws,
                "{\"key\":\"sp\",\"parent\":\"wf\",\"task_type\":\"internal\","
                    + "\"task_name\":\"synchronization_point\",\"task_data\":{}},"
                    + noop("n"),
                edge("n", "sp")));
    JsonPath sp = awaitStatus(ids.get("sp"), "completed");
    assertEquals("success", sp.getString("result"));
    awaitStatus(ids.get("n"), "pending");
    assertEquals("workflow-service", sp.getString("created_by"));
  }

  @Test
  void twoCallbacksOfOneWorkflowNeverRunAtOnce() throws Exception {
    String ws = workspace();
    String cb =
        "{\"key\":\"%s\",\"parent\":\"wf\",\"task_type\":\"internal\",\"task_name\":\"workflow\","
            + "\"task_data\":{},\"workflow_data\":{\"step\":\"%s\"}}";
    Map<String, Integer> ids =
        created(
            WORKFLOW,
            workflowGraph(
                ws,
                String.format(cb, "cb1", "one")
                    + ","
                    + String.format(cb, "cb2", "two")
                    + ","
                    + String.format(cb, "cb3", "three"),
                ""));
    awaitStatus(ids.get("cb1"), "running");
    for (String next : List.of("cb2", "cb3")) {
      List<String> statuses =
          given()
              .header("Authorization", ADMIN)
              .queryParam("parent_id", ids.get("wf"))
              .queryParam("status", "running")
              .get("/api/v1/work-requests")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath()
              .getList("items.status");
      assertEquals(1, statuses.size(), "one callback in flight");
      int running =
          given()
              .header("Authorization", ADMIN)
              .queryParam("parent_id", ids.get("wf"))
              .queryParam("status", "running")
              .get("/api/v1/work-requests")
              .then()
              .extract()
              .path("items[0].id");
      complete(WORKFLOW, running, "success").then().statusCode(200);
      awaitStatus(ids.get(next), "running");
    }
    // a callback needs its step, and users cannot create internal work requests
    graph(
            WORKFLOW,
            workflowGraph(
                ws,
                "{\"key\":\"x\",\"parent\":\"wf\",\"task_type\":\"internal\","
                    + "\"task_name\":\"workflow\",\"task_data\":{}}",
                ""))
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("nodes[1].workflow_data.step"));
    complete(user("u", ws, "owner"), ids.get("cb3"), "success").then().statusCode(403);
  }

  @Test
  void aDelayCompletesWhenItsTimeIsReached() throws Exception {
    String ws = workspace();
    String delay =
        "{\"key\":\"%s\",\"parent\":\"wf\",\"task_type\":\"wait\",\"task_name\":\"delay\","
            + "\"task_data\":{\"delay_until\":\"%s\"},\"workflow_data\":{\"needs_input\":false}}";
    Map<String, Integer> ids =
        created(
            ADMIN,
            workflowGraph(
                ws,
                String.format(delay, "soon", Instant.now().plusSeconds(1))
                    + ","
                    + String.format(delay, "later", Instant.now().plusSeconds(3600))
                    + ","
                    + noop("n"),
                edge("n", "soon")));
    assertEquals("blocked", get(ids.get("n")).getString("status"));
    JsonPath soon = awaitStatus(ids.get("soon"), "completed");
    assertEquals("success", soon.getString("result"));
    assertEquals("running", get(ids.get("later")).getString("status"));
    awaitStatus(ids.get("n"), "pending");
    complete(ADMIN, ids.get("later"), "success")
        .then()
        .statusCode(409)
        .body("detail", containsString("completes when its time is reached"));
  }

  @Test
  void aWaitTaskIsCompletedThroughTheApiByItsCreator() throws Exception {
    String ws = workspace();
    String alice = user("alice", ws, "contributor");
    int id =
        given()
            .header("Authorization", alice)
            .contentType("application/json")
            .body(
                "{\"task_type\":\"wait\",\"task_name\":\"externaldebsign\",\"workspace\":\""
                    + ws
                    + "\",\"task_data\":{\"unsigned\":1},\"workflow_data\":{\"needs_input\":true}}")
            .post("/api/v1/work-requests")
            .then()
            .statusCode(201)
            .body("created_by", equalTo("alice"))
            .extract()
            .path("id");
    awaitStatus(id, "running");
    complete(user("bob", ws, "contributor"), id, "success")
        .then()
        .statusCode(403)
        .body("detail", containsString("creator"));
    complete(alice, id, "bogus").then().statusCode(400).body("errors.field", hasItem("result"));
    complete(alice, id, "success")
        .then()
        .statusCode(200)
        .body("status", equalTo("completed"))
        .body("result", equalTo("success"))
        .body("output_data.signed", equalTo(42));
    complete(alice, id, "success").then().statusCode(409);
  }

  @Test
  void rolesDecideWhoCreatesReadsAndManages() {
    String ws = workspace();
    String contributor = user("carl", ws, "contributor");
    String noop =
        "{\"task_name\":\"noop\",\"task_data\":{\"result\":true},\"workspace\":\"" + ws + "\"}";
    for (String body :
        List.of(
            "{\"task_type\":\"signing\",\"task_name\":\"noop\",\"task_data\":{\"result\":true},"
                + "\"workspace\":\""
                + ws
                + "\"}",
            "{\"task_type\":\"server\",\"task_name\":\"servernoop\",\"task_data\":{},"
                + "\"workspace\":\""
                + ws
                + "\"}")) {
      given()
          .header("Authorization", contributor)
          .contentType("application/json")
          .body(body)
          .post("/api/v1/work-requests")
          .then()
          .statusCode(400)
          .body("errors.field", hasItem("task_type"))
          .body("errors.message", hasItem(containsString("workflows or admins only")));
      given()
          .header("Authorization", ADMIN)
          .contentType("application/json")
          .body(body)
          .post("/api/v1/work-requests")
          .then()
          .statusCode(201);
    }
    given()
        .header("Authorization", user("vic", ws, "viewer"))
        .contentType("application/json")
        .body(noop)
        .post("/api/v1/work-requests")
        .then()
        .statusCode(403)
        .body("detail", containsString("contributor"));
    int id =
        given()
            .header("Authorization", contributor)
            .contentType("application/json")
            .body(noop)
            .post("/api/v1/work-requests")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    given()
        .header("Authorization", user("vic", ws, "viewer"))
        .get("/api/v1/work-requests/{id}", id)
        .then()
        .statusCode(200);
    given()
        .header("Authorization", user("eve", "elsewhere", "owner"))
        .get("/api/v1/work-requests/{id}", id)
        .then()
        .statusCode(403);
    given()
        .header("Authorization", user("eve", "elsewhere", "owner"))
        .get("/api/v1/work-requests")
        .then()
        .statusCode(200)
        .body("items.workspace", org.hamcrest.Matchers.everyItem(equalTo("elsewhere")));
    String wrToken =
        "Bearer " + new WorkRequestToken(id, 1, ws, Instant.now().plusSeconds(60)).sign(SECRET);
    given()
        .header("Authorization", wrToken)
        .get("/api/v1/work-requests/{id}", id)
        .then()
        .statusCode(200);
    given()
        .header("Authorization", wrToken)
        .get("/api/v1/work-requests/{id}", id - 1)
        .then()
        .statusCode(403);
    post(wrToken, "abort", id, "{}").then().statusCode(403);
    // another contributor may not abort it; the owner may; priority: raising needs the owner
    post(user("dan", ws, "contributor"), "abort", id, "{}").then().statusCode(403);
    post(contributor, "priority", id, "{\"priority_adjustment\":5}").then().statusCode(403);
    post(contributor, "priority", id, "{\"priority_adjustment\":-5}")
        .then()
        .statusCode(200)
        .body("priority_adjustment", equalTo(-5));
    post(user("olga", ws, "owner"), "priority", id, "{\"priority_adjustment\":7}")
        .then()
        .statusCode(200)
        .body("priority_adjustment", equalTo(7));
    post(user("olga", ws, "owner"), "abort", id, "{}")
        .then()
        .statusCode(200)
        .body("status", equalTo("aborted"));
  }

  @Test
  void aGraphCreationIsIdempotentByItsKey() {
    String ws = workspace();
    String body = workflowGraph(ws, noop("a") + "," + noop("b"), edge("b", "a"));
    String key = "graph-" + ws;
    Response first =
        given()
            .header("Authorization", ADMIN)
            .header("Idempotency-Key", key)
            .contentType("application/json")
            .body(body)
            .post("/api/v1/work-requests/graph");
    first.then().statusCode(201).body("work_requests.b.status", equalTo("blocked"));
    Response again =
        given()
            .header("Authorization", ADMIN)
            .header("Idempotency-Key", key)
            .contentType("application/json")
            .body(body)
            .post("/api/v1/work-requests/graph");
    again.then().statusCode(200);
    for (String k : List.of("wf", "a", "b")) {
      assertEquals(
          (Integer) first.path("work_requests." + k + ".id"),
          (Integer) again.path("work_requests." + k + ".id"),
          k);
    }
    given()
        .header("Authorization", ADMIN)
        .header("Idempotency-Key", key)
        .contentType("application/json")
        .body(workflowGraph(ws, noop("a"), ""))
        .post("/api/v1/work-requests/graph")
        .then()
        .statusCode(409)
        .body("detail", containsString("another request body"));
    given()
        .header("Authorization", ADMIN)
        .queryParam("workspace", ws)
        .get("/api/v1/work-requests")
        .then()
        .body("items.size()", equalTo(3));
  }

  @Test
  void aSingleCreationIsIdempotentByItsKey() {
    String ws = workspace();
    String body =
        "{\"task_name\":\"noop\",\"task_data\":{\"result\":true},\"workspace\":\"" + ws + "\"}";
    int id =
        given()
            .header("Authorization", ADMIN)
            .header("Idempotency-Key", "one-" + ws)
            .contentType("application/json")
            .body(body)
            .post("/api/v1/work-requests")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    given()
        .header("Authorization", ADMIN)
        .header("Idempotency-Key", "one-" + ws)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/work-requests")
        .then()
        .statusCode(200)
        .body("id", equalTo(id));
    // the key belongs to its caller: the workflow service's same key is another request
    given()
        .header("Authorization", WORKFLOW)
        .header("Idempotency-Key", "one-" + ws)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/work-requests")
        .then()
        .statusCode(201);
  }

  @Test
  void aRetrySupersedesAndTakesOverTheDependents() throws Exception {
    String ws = workspace();
    Map<String, Integer> ids =
        created(ADMIN, workflowGraph(ws, waitTask("w", true) + "," + noop("n"), edge("n", "w")));
    awaitStatus(ids.get("w"), "running");
    complete(ADMIN, ids.get("w"), "failure").then().statusCode(200);
    assertEquals("pending", get(ids.get("n")).getString("status"), "allow_failure");
    // a wait task is not retriable (Debusine); a failed noop is: use a worker child instead
    post(ADMIN, "retry", ids.get("w"), "{}")
        .then()
        .statusCode(409)
        .body("detail", containsString("only worker, signing, internal and workflow retry"));

    Map<String, Integer> g =
        created(
            WORKFLOW,
            workflowGraph(
                ws,
                "{\"key\":\"sp\",\"parent\":\"wf\",\"task_type\":\"internal\","
                    + "\"task_name\":\"synchronization_point\",\"task_data\":{},"
                    + "\"workflow_data\":{\"allow_failure\":true}},"
                    + noop("n")
                    + ","
                    + noop("m"),
                edge("n", "sp") + "," + edge("m", "n")));
    awaitStatus(g.get("n"), "pending");
    post(ADMIN, "abort", g.get("sp"), "{}").then().statusCode(409); // completed: terminal
    post(ADMIN, "retry", g.get("sp"), "{}")
        .then()
        .statusCode(409)
        .body("detail", containsString("only aborted work requests and failures"));
    // an aborted dependency with allow_failure let its dependent go on; its retry takes it back
    Map<String, Integer> h =
        created(
            WORKFLOW,
            workflowGraph(
                ws,
                "{\"key\":\"a\",\"parent\":\"wf\",\"task_name\":\"noop\","
                    + "\"task_data\":{\"result\":true},\"workflow_data\":{\"allow_failure\":true}},"
                    + noop("b"),
                edge("b", "a")));
    awaitStatus(h.get("a"), "pending");
    post(ADMIN, "abort", h.get("a"), "{}").then().statusCode(200);
    assertEquals("pending", get(h.get("b")).getString("status"), "allow_failure");
    JsonPath retried =
        post(ADMIN, "retry", h.get("a"), "{}").then().statusCode(201).extract().jsonPath();
    int newId = retried.getInt("work_request.id");
    assertNotEquals(h.get("a").intValue(), newId);
    assertEquals(List.of(h.get("b")), retried.getList("rewired_dependents"));
    assertEquals("pending", retried.getString("work_request.status"));
    assertEquals(0, retried.getInt("work_request.retry_count"));
    assertEquals("blocked", get(h.get("b")).getString("status"), "waits for the retry now");
    post(ADMIN, "retry", h.get("a"), "{}")
        .then()
        .statusCode(409)
        .body("detail", containsString("already superseded"));
    // the new one ends: b goes on
    post(ADMIN, "abort", newId, "{}").then().statusCode(200);
    assertEquals("pending", get(h.get("b")).getString("status"));
    assertEquals(h.get("wf").intValue(), get(newId).getInt("parent_id"));
  }

  @Test
  void abortingAWorkflowAbortsItsUnfinishedDescendants() throws Exception {
    String ws = workspace();
    Map<String, Integer> ids =
        created(
            ADMIN,
            workflowGraph(
                ws,
                noop("a")
                    + ",{\"key\":\"sub\",\"parent\":\"wf\",\"task_type\":\"workflow\","
                    + "\"task_name\":\"sub\",\"task_data\":{}},"
                    + "{\"key\":\"deep\",\"parent\":\"sub\",\"task_name\":\"noop\","
                    + "\"task_data\":{\"result\":true}}",
                ""));
    awaitStatus(ids.get("wf"), "running");
    post(ADMIN, "abort", ids.get("wf"), "{}")
        .then()
        .statusCode(200)
        .body("status", equalTo("aborted"));
    for (String k : List.of("a", "sub", "deep")) {
      assertEquals("aborted", get(ids.get(k)).getString("status"), k);
    }
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            "{\"task_name\":\"noop\",\"task_data\":{\"result\":true},\"parent_id\":"
                + ids.get("wf")
                + "}")
        .post("/api/v1/work-requests")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("parent_id"));
  }

  @Test
  void aServerTaskGoesToTheWorkflowServiceAndIsCompletedByIt() throws Exception {
    String ws = workspace();
    Map<String, Integer> ids =
        created(
            WORKFLOW,
            workflowGraph(
                ws,
                "{\"key\":\"s\",\"parent\":\"wf\",\"task_type\":\"server\","
                    + "\"task_name\":\"servernoop\",\"task_data\":{\"result\":true}},"
                    + noop("n"),
                edge("n", "s")));
    awaitStatus(ids.get("s"), "running");
    // sent with a new attempt, which its run reports with: another attempt's report is refused
    assertEquals(1, get(ids.get("s")).getInt("attempt"));
    complete(user("o", ws, "owner"), ids.get("s"), "success").then().statusCode(403);
    completeAttempt(WORKFLOW, ids.get("s"), "success", 2)
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("attempt"))
        .body("detail", containsString("stale"));
    assertEquals("running", get(ids.get("s")).getString("status"));
    completeAttempt(WORKFLOW, ids.get("s"), "failure", 1)
        .then()
        .statusCode(200)
        .body("result", equalTo("failure"));
    assertEquals("aborted", get(ids.get("n")).getString("status"));
  }

  private static Response completeAttempt(String auth, int id, String result, int attempt) {
    return given()
        .header("Authorization", auth)
        .contentType("application/json")
        .body("{\"result\":\"" + result + "\",\"output_data\":{},\"attempt\":" + attempt + "}")
        .post("/api/v1/work-requests/{id}/complete", id);
  }
}

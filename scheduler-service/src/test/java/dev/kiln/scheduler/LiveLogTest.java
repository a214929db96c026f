package dev.kiln.scheduler;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.LogLines;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.infra.KilnInfraTestResource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live logs over a real agent stream and PostgreSQL: batches stored in order, read after a cursor
 * as JSON or text, followed with a long poll, bounded, refused for an attempt that is not the
 * worker's, readable with the rights to read the work request, deleted with it.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class LiveLogTest {

  static final String ADMIN = LifecycleTest.ADMIN;

  @TestHTTPResource URL url;
  @Inject DataSource db;

  ManagedChannel channel;
  AgentProtocolTest.Agent agent;
  String ws;

  @BeforeEach
  void channel() {
    channel = ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    ws = LifecycleTest.workspace();
  }

  @AfterEach
  void disconnect() throws Exception {
    LifecycleTest.abortUnfinished(ws);
    if (agent != null) {
      agent.close();
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  int createRunning() throws Exception {
    int id =
        given()
            .header("Authorization", ADMIN)
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
    // the agent connects once the work request waits, at the highest priority: its one slot
    // goes to it, not to what other test classes left pending in the shared database
    agent = AgentProtocolTest.Agent.connect(channel, "live-log-" + UUID.randomUUID());
    Assignment a = agent.nextAssignment(id);
    assertEquals(1, a.getAttempt());
    return id;
  }

  void send(int id, int attempt, long firstLine, String... lines) {
    agent.send(
        AgentMessage.newBuilder()
            .setLogLines(
                LogLines.newBuilder()
                    .setWorkRequestId(id)
                    .setAttempt(attempt)
                    .setFirstLine(firstLine)
                    .addAllLines(List.of(lines)))
            .build());
  }

  static Response log(String auth, int id, long after) {
    return given()
        .header("Authorization", auth)
        .queryParam("after", after)
        .get("/api/v1/work-requests/{id}/log", id);
  }

  static JsonPath awaitLines(int id, long after, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonPath p = log(ADMIN, id, after).then().statusCode(200).extract().jsonPath();
    while (p.getList("lines").size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
      p = log(ADMIN, id, after).then().statusCode(200).extract().jsonPath();
    }
    assertEquals(count, p.getList("lines").size(), () -> "lines of " + id);
    return p;
  }

  @Test
  void linesStreamedWhileRunningAreReadAfterACursorAsJsonAndText() throws Exception {
    int id = createRunning();
    send(id, 1, 0, "first", "second");
    send(id, 1, 2, "third");
    JsonPath all = awaitLines(id, 0, 3);
    assertEquals(List.of("first", "second", "third"), all.getList("lines.line"));
    assertEquals(List.of(1, 2, 3), all.getList("lines.seq"));
    assertEquals(List.of(1, 1, 1), all.getList("lines.attempt"));
    assertEquals("running", all.getString("status"));
    assertEquals(3, all.getLong("next_after"));
    assertFalse(all.getBoolean("complete"));

    JsonPath rest = log(ADMIN, id, 2).then().statusCode(200).extract().jsonPath();
    assertEquals(List.of("third"), rest.getList("lines.line"));

    Response text =
        given()
            .header("Authorization", ADMIN)
            .accept("text/plain")
            .queryParam("after", 1)
            .get("/api/v1/work-requests/{id}/log", id);
    assertEquals(200, text.statusCode());
    assertEquals("second\nthird\n", text.asString());
    assertEquals("3", text.header("Kiln-Log-Next-After"));
    assertEquals("false", text.header("Kiln-Log-Complete"));

    // a batch re-sent after a reconnection adds only what is new; a gap is marked
    send(id, 1, 1, "second", "third", "fourth");
    send(id, 1, 6, "seventh");
    JsonPath later = awaitLines(id, 3, 3);
    assertEquals(
        List.of("fourth", "[kiln: 2 line(s) of the live log were lost in transit]", "seventh"),
        later.getList("lines.line"));
    assertEquals(2, later.getLong("dropped_lines"));
  }

  @Test
  void aFollowerWaitingWithALongPollGetsTheNextLinesAndSeesTheEnd() throws Exception {
    int id = createRunning();
    CompletableFuture<JsonPath> waiting =
        CompletableFuture.supplyAsync(
            () ->
                given()
                    .header("Authorization", ADMIN)
                    .queryParam("after", 0)
                    .queryParam("wait", 30)
                    .get("/api/v1/work-requests/{id}/log", id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath());
    Thread.sleep(300); // the follower is waiting: no line yet
    assertFalse(waiting.isDone());
    send(id, 1, 0, "hello");
    JsonPath got = waiting.get(30, TimeUnit.SECONDS);
    assertEquals(List.of("hello"), got.getList("lines.line"));

    agent.stub.completeWorkRequest(
        AgentProtocolTest.complete(id, 1, WorkResult.WORK_RESULT_SUCCESS));
    // lines of the attempt that come just after its report are still taken
    send(id, 1, 1, "late");
    JsonPath late = awaitLines(id, 1, 1);
    assertEquals("completed", late.getString("status"));
    assertEquals("late", late.getString("lines[0].line"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonPath end = log(ADMIN, id, 2).then().extract().jsonPath();
    while (!end.getBoolean("complete") && System.nanoTime() < deadline) {
      Thread.sleep(200);
      end = log(ADMIN, id, 2).then().extract().jsonPath();
    }
    assertTrue(end.getBoolean("complete"), "the log of an ended work request completes");
    assertEquals(0, end.getList("lines").size());
    // a long poll on a complete log answers at once
    long t0 = System.nanoTime();
    given()
        .header("Authorization", ADMIN)
        .queryParam("after", 2)
        .queryParam("wait", 30)
        .get("/api/v1/work-requests/{id}/log", id)
        .then()
        .statusCode(200);
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "did not wait for nothing");
  }

  @Test
  void linesOfAnAttemptTheWorkerDoesNotHoldAreDropped() throws Exception {
    int id = createRunning();
    send(id, 2, 0, "from a future attempt");
    send(id, 1, 0, "mine");
    JsonPath p = awaitLines(id, 0, 1);
    assertEquals(List.of("mine"), p.getList("lines.line"));
    LifecycleTest.post(ADMIN, "abort", id, "{}").then().statusCode(200);
    send(id, 1, 1, "after the abort");
    Thread.sleep(500);
    assertEquals(List.of("mine"), log(ADMIN, id, 0).jsonPath().getList("lines.line"));
  }

  @Test
  void readingNeedsTheRightToReadTheWorkRequestAndBadCursorsNameTheField() throws Exception {
    int id = createRunning();
    send(id, 1, 0, "secret build output");
    awaitLines(id, 0, 1);
    log(LifecycleTest.user("vera", ws, "viewer"), id, 0)
        .then()
        .statusCode(200)
        .body("lines[0].line", org.hamcrest.Matchers.equalTo("secret build output"));
    Response other = log(LifecycleTest.user("mallory", "elsewhere-" + ws, "owner"), id, 0);
    assertTrue(other.statusCode() == 403 || other.statusCode() == 404, other.asString());
    assertTrue(other.contentType().startsWith("application/problem+json"), other.contentType());
    given().get("/api/v1/work-requests/{id}/log", id).then().statusCode(401);
    Response bad = log(ADMIN, id, -1);
    assertEquals(400, bad.statusCode());
    assertEquals("after", bad.jsonPath().getString("errors[0].field"));
    Response badWait =
        given()
            .header("Authorization", ADMIN)
            .queryParam("wait", 3600)
            .get("/api/v1/work-requests/{id}/log", id);
    assertEquals(400, badWait.statusCode());
    assertEquals("wait", badWait.jsonPath().getString("errors[0].field"));
    log(ADMIN, 999_999_999, 0).then().statusCode(404);
  }

  @Test
  void aWorkRequestKeepsAtMostTheBoundAndItsLinesGoWithIt() throws Exception {
    int id = createRunning();
    String[] many = new String[60];
    for (int i = 0; i < many.length; i++) {
      many[i] = "line " + i;
    }
    send(id, 1, 0, many); // %test bound: 50 lines
    JsonPath p = awaitLines(id, 0, 50);
    assertEquals("line 49", p.getString("lines[49].line"));
    assertEquals(10, p.getLong("dropped_lines"));

    agent.stub.completeWorkRequest(
        AgentProtocolTest.complete(id, 1, WorkResult.WORK_RESULT_SUCCESS));
    try (Connection c = db.getConnection()) {
      assertEquals(50, count(c, id));
      deleteWorkRequest(c, id);
      assertEquals(0, count(c, id), "the lines went with the work request");
    }
  }

  private static long count(Connection c, int id) throws Exception {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT count(*) FROM work_request_log_line WHERE work_request_id = ?")) {
      s.setLong(1, id);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /** No API deletes work requests yet (expiry will): remove the row and what refers to it. */
  private static void deleteWorkRequest(Connection c, int id) throws Exception {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM work_request WHERE id = ?")) {
      s.setLong(1, id);
      assertEquals(1, s.executeUpdate());
    }
  }
}

package dev.kiln.scheduler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.infra.KilnInfraTestResource;
import dev.kiln.scheduler.service.ExpiryReaper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Deletion of expired work requests and the time limit API, against the real database. */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class ExpiryAndTimeLimitTest {

  static final String ADMIN = "Bearer kiln-dev-admin-token";

  @Inject AgroalDataSource db;
  @Inject ExpiryReaper reaper;

  /** Inserts a work request as the test needs it; {@code expiresIn} in seconds, null for none. */
  long insert(String status, Long parentId, Long rootId, Integer expiresIn, Long supersedes)
      throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO work_request (workspace, created_by, status, result, task_type,"
                    + " task_name, parent_id, root_id, supersedes_id, expires_at)"
                    + " VALUES ('System', 'test', ?, ?, ?, 'noop', ?, ?, ?,"
                    + "   now() + ? * interval '1 second') RETURNING id")) {
      s.setString(1, status);
      s.setString(2, status.equals("completed") ? "success" : "");
      s.setString(3, "worker");
      s.setObject(4, parentId);
      s.setObject(5, rootId);
      s.setObject(6, supersedes);
      s.setObject(7, expiresIn);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  void dependsOn(long dependent, long dependency) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO work_request_dependency (work_request_id, depends_on_id)"
                    + " VALUES (?, ?)")) {
      s.setLong(1, dependent);
      s.setLong(2, dependency);
      s.executeUpdate();
    }
  }

  boolean exists(long id) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT 1 FROM work_request WHERE id = ?")) {
      s.setLong(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  Long supersedesOf(long id) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT supersedes_id FROM work_request WHERE id = ?")) {
      s.setLong(1, id);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return (Long) r.getObject(1);
      }
    }
  }

  void reapAll() {
    Set<Long> failed = new HashSet<>();
    while (reaper.pass(failed).deleted() > 0) {
      // another batch
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Test
  void aWorkflowGoesWithTheGraphMutationsAppliedToIt() throws SQLException {
    long root = insert("completed", null, null, -60, null);
    long child = insert("completed", root, root, null, null);
    execute(
        "INSERT INTO workflow_graph_mutation (root_id, idempotency_key, request_sha256, answer,"
            + " applied_by) VALUES ("
            + root
            + ", 'populate', 'x', '{\"created\": 1}', 'test')");

    reapAll();

    assertFalse(exists(root), "the root and the mutation applied to it are deleted");
    assertFalse(exists(child));
  }

  @Test
  void aTreeThatCannotBeDeletedDoesNotHoldUpTheOthers() throws SQLException {
    // the oldest expired root is pinned by a row expiry knows nothing of
    long pinned = insert("completed", null, null, -7200, null);
    long others = insert("completed", null, null, -60, null);
    long othersChild = insert("completed", others, others, null, null);
    execute("CREATE TABLE expiry_test_pin (id bigint REFERENCES work_request (id))");
    try {
      execute("INSERT INTO expiry_test_pin VALUES (" + pinned + ")");

      reapAll();

      assertTrue(exists(pinned), "its deletion failed and was rolled back");
      assertFalse(exists(others), "the batch it was in was deleted root by root");
      assertFalse(exists(othersChild));
    } finally {
      execute("DROP TABLE expiry_test_pin");
    }
    reapAll();
    assertFalse(exists(pinned), "unpinned, it goes at the next pass");
  }

  @Test
  void expiredEndedWorkRequestsAreDeletedAndNothingElse() throws SQLException {
    long done = insert("completed", null, null, -60, null);
    long aborted = insert("aborted", null, null, -60, null);
    long notYet = insert("completed", null, null, 3600, null);
    long never = insert("completed", null, null, null, null);
    long running = insert("running", null, null, -60, null);
    long pending = insert("pending", null, null, -60, null);
    long blocked = insert("blocked", null, null, -60, null);

    reapAll();

    assertFalse(exists(done), "expired and completed");
    assertFalse(exists(aborted), "expired and aborted");
    assertTrue(exists(notYet), "not expired yet");
    assertTrue(exists(never), "no expiry");
    assertTrue(exists(running), "still running");
    assertTrue(exists(pending), "still pending");
    assertTrue(exists(blocked), "still blocked");
  }

  @Test
  void aWorkflowGoesWithItsWholeTreeOnlyWhenEveryMemberEnded() throws SQLException {
    // ended tree: the root expired, its children follow it (one without an expiry of its own)
    long root = insert("completed", null, null, -60, null);
    long child = insert("completed", root, root, null, null);
    long grandChild = insert("aborted", child, root, -1, null);
    dependsOn(grandChild, child);

    // a tree with a running child: nothing of it goes, not even its ended, expired members
    long busyRoot = insert("completed", null, null, -60, null);
    long endedChild = insert("completed", busyRoot, busyRoot, -60, null);
    long runningChild = insert("running", busyRoot, busyRoot, null, null);
    dependsOn(runningChild, endedChild);

    // a tree with a member whose own expiry is still ahead waits for it
    long waitingRoot = insert("completed", null, null, -60, null);
    long lateChild = insert("completed", waitingRoot, waitingRoot, 3600, null);

    reapAll();

    assertFalse(exists(root));
    assertFalse(exists(child));
    assertFalse(exists(grandChild));
    assertTrue(exists(busyRoot));
    assertTrue(exists(endedChild), "an unfinished work request depends on it");
    assertTrue(exists(runningChild));
    assertTrue(exists(waitingRoot));
    assertTrue(exists(lateChild));
  }

  @Test
  void aRetryOutlivesTheExpiredWorkRequestItSuperseded() throws SQLException {
    long old = insert("completed", null, null, -60, null);
    long retry = insert("pending", null, null, -60, old);

    reapAll();

    assertFalse(exists(old));
    assertTrue(exists(retry));
    assertNull(supersedesOf(retry));
  }

  int createNoop() {
    return given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"task_name\":\"noop\",\"task_data\":{\"result\":true},\"workspace\":\"tl\"}")
        .post("/api/v1/work-requests")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  @Test
  void aTimeLimitIsSetShownAndRemoved() {
    int id = createNoop();
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"time_limit\":\"PT2H\"}")
        .put("/api/v1/work-requests/{id}/time-limit", id)
        .then()
        .statusCode(200)
        .body("time_limit", equalTo("PT2H"));
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/work-requests/{id}", id)
        .then()
        .body("time_limit", equalTo("PT2H"));
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"time_limit\":null}")
        .put("/api/v1/work-requests/{id}/time-limit", id)
        .then()
        .statusCode(200)
        .body("time_limit", nullValue());
  }

  @Test
  void aTimeLimitOutOfRangeOrOnAnEndedWorkRequestIsRefused() throws SQLException {
    int id = createNoop();
    for (String bad : new String[] {"\"PT0S\"", "\"-PT1M\"", "\"P30D\""}) {
      given()
          .header("Authorization", ADMIN)
          .contentType("application/json")
          .body("{\"time_limit\":" + bad + "}")
          .put("/api/v1/work-requests/{id}/time-limit", id)
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("errors.field", hasItem("time_limit"));
    }
    long ended = insert("completed", null, null, null, null);
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"time_limit\":\"PT1H\"}")
        .put("/api/v1/work-requests/{id}/time-limit", ended)
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"time_limit\":\"PT1H\"}")
        .put("/api/v1/work-requests/{id}/time-limit", 999_999_999)
        .then()
        .statusCode(404);
  }

  @Test
  void aRunningWorkRequestPastTheLimitSetLaterEndsWithError()
      throws SQLException, InterruptedException {
    long running = insert("running", null, null, null, null);
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE work_request SET started_at = now() - interval '1 minute',"
                    + " attempt = 1, lease_expires_at = now() + interval '1 hour' WHERE id = ?")) {
      s.setLong(1, running);
      s.executeUpdate();
    }
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"time_limit\":30}")
        .put("/api/v1/work-requests/{id}/time-limit", running)
        .then()
        .statusCode(200)
        .body("time_limit", equalTo("PT30S"));
    // the lease reaper (every 2 s) ends it
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String status;
    do {
      Thread.sleep(200);
      status =
          given()
              .header("Authorization", ADMIN)
              .get("/api/v1/work-requests/{id}", running)
              .then()
              .extract()
              .path("status");
    } while (!"completed".equals(status) && System.nanoTime() < deadline);
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/work-requests/{id}", running)
        .then()
        .body("status", equalTo("completed"))
        .body("result", equalTo("error"))
        .body("output_data.errors[0].code", equalTo("time-limit-exceeded"));
    assertEquals(true, exists(running));
  }
}

package dev.kiln.scheduler;

import static dev.kiln.scheduler.AgentProtocolTest.ADMIN;
import static dev.kiln.scheduler.AgentProtocolTest.complete;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.Heartbeat;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.infra.KilnInfraTestResource;
import dev.kiln.scheduler.AgentProtocolTest.Agent;
import dev.kiln.scheduler.service.DispatchService;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dispatch by tag class, leases and the worker admin API against the real service, database and
 * broker. Work requests that need tags no task sets are stored prepared, as preparation would.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
@TestProfile(DispatchTest.ShortLeases.class)
class DispatchTest {

  /** Short leases and a fast reaper, so expiry happens within the test. */
  public static class ShortLeases implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "kiln.scheduler.lease-duration", "2s",
          "kiln.scheduler.lease-check-interval", "300ms",
          "kiln.scheduler.dispatch-interval", "200ms");
    }
  }

  static final String NOOP = "task:worker:noop:v1";

  @TestHTTPResource URL url;
  @Inject DataSource db;
  @Inject DispatchService dispatch;
  @Inject dev.kiln.scheduler.service.TagIndex tags;
  @Inject dev.kiln.scheduler.service.DispatchMetrics metrics;
  @Inject io.micrometer.core.instrument.MeterRegistry registry;
  @Inject dev.kiln.scheduler.repository.QueryPlans plans;
  @Inject jakarta.persistence.EntityManager em;

  ManagedChannel channel;
  final List<Agent> agents = new ArrayList<>();

  @BeforeEach
  void open() throws SQLException {
    channel = ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    // each test starts from an empty queue: what earlier tests left pending is not theirs
    exec("UPDATE work_request SET status = 'aborted' WHERE status IN ('pending', 'running')");
  }

  @AfterEach
  void close() throws InterruptedException {
    agents.forEach(Agent::close);
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  Agent agent(int concurrency, String... tags) throws InterruptedException {
    Agent a = Agent.connect(channel, "dispatch-" + UUID.randomUUID(), concurrency, tags);
    agents.add(a);
    return a;
  }

  @Test
  void aSmallBatchRunsOnGenericPlansUntilItsCommitAndALargeOneLeavesThePlansToPostgres() {
    java.util.function.IntFunction<String> modeInABatchOf =
        size ->
            io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(
                    () -> {
                      plans.forBatchOf(size);
                      return (String)
                          em.createNativeQuery("SELECT current_setting('plan_cache_mode')")
                              .getSingleResult();
                    });
    assertEquals("force_generic_plan", modeInABatchOf.apply(5));
    assertEquals("auto", modeInABatchOf.apply(500));
    // SET LOCAL: the pooled connection the small batch ran on is back to PostgreSQL's choice
    for (int i = 0; i < 40; i++) {
      assertEquals(
          "auto",
          io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
              .call(
                  () ->
                      em.createNativeQuery("SELECT current_setting('plan_cache_mode')")
                          .getSingleResult()));
    }
  }

  @Inject dev.kiln.scheduler.repository.WorkRequestRepository workRequestRepository;
  @Inject dev.kiln.scheduler.repository.LifecycleRepository lifecycleRepository;

  @Test
  void aReportBatchTakesItsRootLocksBeforeItLocksAnyRow() throws Exception {
    // no agent connects: the request stays pending, its row free
    long id = pending(klass(List.of(sys(NOOP)), List.of()), 0, 1, null).get(0);
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<?> holder =
          threads.submit(
              () ->
                  io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                      .run(
                          () -> {
                            lifecycleRepository.lockRootsOf(List.of(id)); // a lifecycle change
                            held.countDown();
                            try {
                              release.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                              Thread.currentThread().interrupt();
                            }
                          }));
      assertTrue(held.await(10, TimeUnit.SECONDS));
      java.util.concurrent.Future<Map<Long, ?>> batch =
          threads.submit(
              () ->
                  io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                      .call(() -> workRequestRepository.lockForReports(new Long[] {id})));
      // the batch waits for the root lock...
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (queryLong("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
          == 0) {
        assertTrue(System.nanoTime() < deadline, "the batch never waited for the root lock");
        Thread.sleep(20);
      }
      assertFalse(batch.isDone());
      // ...holding no row lock meanwhile (a row locked first could deadlock with the root's holder)
      try (Connection c = db.getConnection();
          PreparedStatement s =
              c.prepareStatement("SELECT id FROM work_request WHERE id = ? FOR UPDATE NOWAIT")) {
        s.setLong(1, id);
        try (ResultSet r = s.executeQuery()) {
          assertTrue(r.next());
        }
      }
      release.countDown();
      holder.get(10, TimeUnit.SECONDS);
      assertEquals(java.util.Set.of(id), batch.get(10, TimeUnit.SECONDS).keySet());
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void aWorkerVouchingForItsOwnTrustTagGetsNothingThatRequiresItUntilAnAdminSetsIt()
      throws Exception {
    Agent agent = agent(1, NOOP, "trust:official");
    long trusted =
        pending(klass(List.of(sys(NOOP), sys("trust:official")), List.of()), 10, 1, null).get(0);
    long control = pending(klass(List.of(sys(NOOP)), List.of()), 0, 1, null).get(0);

    // the urgent request it may not take holds nothing up: the control one arrives first
    Assignment first = agent.next(ServerMessage::hasAssignment).getAssignment();
    assertEquals(control, first.getWorkRequestId());
    agent.stub.completeWorkRequest(complete(control, 1, WorkResult.WORK_RESULT_SUCCESS));
    long control2 = pending(klass(List.of(sys(NOOP)), List.of()), 0, 1, null).get(0);
    assertEquals(
        control2, agent.next(ServerMessage::hasAssignment).getAssignment().getWorkRequestId());
    assertEquals("pending", status(trusted));
    agent.stub.completeWorkRequest(complete(control2, 1, WorkResult.WORK_RESULT_SUCCESS));

    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/workers/{id}", agent.workerId)
        .then()
        .statusCode(200)
        .body("provided_tags.find { it.value == 'trust:official' }.counts", equalTo(false))
        .body("provided_tags.find { it.value == 'trust:official' }.provenance", equalTo("worker"));
    given()
        .header("Authorization", ADMIN)
        .put("/api/v1/workers/{id}/tags/{tag}", agent.workerId, "trust:official")
        .then()
        .statusCode(200)
        .body(
            "provided_tags.findAll { it.provenance == 'admin' }.value", hasItem("trust:official"));

    assertEquals(
        trusted, agent.next(ServerMessage::hasAssignment).getAssignment().getWorkRequestId());
  }

  @Test
  void aUserTagCannotOpenAWorkerThatRequiresASystemTag() throws Exception {
    Agent agent = agent(1, NOOP);
    given()
        .header("Authorization", ADMIN)
        .queryParam("kind", "required")
        .put("/api/v1/workers/{id}/tags/{tag}", agent.workerId, "workspace:release")
        .then()
        .statusCode(200)
        .body("required_tags[0].value", equalTo("workspace:release"));
    long byUser =
        pending(klass(List.of(sys(NOOP)), List.of(user("workspace:release"))), 10, 1, null).get(0);
    long bySystem =
        pending(klass(List.of(sys(NOOP)), List.of(sys("workspace:release"))), 0, 1, null).get(0);
    assertEquals(
        bySystem, agent.next(ServerMessage::hasAssignment).getAssignment().getWorkRequestId());
    assertEquals("pending", status(byUser));
    // a worker without the requirement takes it
    Agent open = agent(1, NOOP);
    assertEquals(
        byUser, open.next(ServerMessage::hasAssignment).getAssignment().getWorkRequestId());
  }

  @Test
  void anAgentThatStopsHeartbeatingLosesItsWorkWhichCompletesElsewhereAndItsLateReportIsRefused()
      throws Exception {
    Agent silent = agent(1, NOOP);
    long wr = pending(klass(List.of(sys(NOOP)), List.of()), 0, 1, null).get(0);
    Assignment lost = silent.nextAssignment(wr);
    assertEquals(1, lost.getAttempt());
    silent.close(); // gone without a word: no heartbeat, no report
    agents.remove(silent);

    Agent healthy = agent(1, NOOP);
    Assignment retried = healthy.nextAssignment(wr);
    assertEquals(2, retried.getAttempt());
    healthy.send(
        AgentMessage.newBuilder()
            .setHeartbeat(
                Heartbeat.newBuilder()
                    .addLeases(
                        dev.kiln.api.scheduler.v1.Lease.newBuilder()
                            .setWorkRequestId(wr)
                            .setAttempt(2)))
            .build());
    healthy.stub.completeWorkRequest(complete(wr, 2, WorkResult.WORK_RESULT_SUCCESS));

    StatusRuntimeException late =
        assertThrows(
            StatusRuntimeException.class,
            () -> silent.stub.completeWorkRequest(complete(wr, 1, WorkResult.WORK_RESULT_FAILURE)));
    assertEquals(Status.Code.FAILED_PRECONDITION, late.getStatus().getCode());
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/work-requests/{id}", wr)
        .then()
        .body("status", equalTo("completed"))
        .body("result", equalTo("success"));
    assertEquals(1, (int) queryLong("SELECT retry_count FROM work_request WHERE id = " + wr));
  }

  @Test
  void aWorkRequestPastItsTimeLimitEndsWithErrorAndItsAgentIsToldToStop() throws Exception {
    Agent agent = agent(1, NOOP);
    long wr = pending(klass(List.of(sys(NOOP)), List.of()), 0, 1, "1 second").get(0);
    // a blocked dependent: an error ended by the reaper aborts it like any other failure
    long dependent =
        queryLong(
            "INSERT INTO work_request (workspace, created_by, status, task_type, task_name,"
                + " task_data) VALUES ('System', 'test', 'blocked', 'worker', 'noop',"
                + " '{\"result\":true}') RETURNING id");
    exec(
        "INSERT INTO work_request_dependency (work_request_id, depends_on_id) VALUES ("
            + dependent
            + ", "
            + wr
            + ")");
    Assignment a = agent.nextAssignment(wr);
    // keep the lease: only the time limit can end it
    ServerMessage abort =
        agent.next(
            m -> {
              agent.send(
                  AgentMessage.newBuilder()
                      .setHeartbeat(
                          Heartbeat.newBuilder()
                              .addLeases(
                                  dev.kiln.api.scheduler.v1.Lease.newBuilder()
                                      .setWorkRequestId(wr)
                                      .setAttempt(a.getAttempt())))
                      .build());
              return m.hasAbort();
            });
    assertEquals(wr, abort.getAbort().getWorkRequestId());
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/work-requests/{id}", wr)
        .then()
        .body("status", equalTo("completed"))
        .body("result", equalTo("error"))
        .body("output_data.errors[0].code", equalTo("time-limit-exceeded"));
    assertEquals("aborted", status(dependent), "the dependent of a timed-out work request");
  }

  @Test
  void restNextWorkRequestHandsOutOneAndThenNothing() throws Exception {
    // registered, never connected: it polls over REST instead of holding a stream
    dev.kiln.api.scheduler.v1.RegisterResponse agent =
        dev.kiln.api.scheduler.v1.WorkerAgentServiceGrpc.newBlockingStub(channel)
            .register(
                dev.kiln.api.scheduler.v1.RegisterRequest.newBuilder()
                    .setRegistrationToken("kiln-dev-registration-token")
                    .setName("rest-" + UUID.randomUUID())
                    .setWorkerType("worker")
                    .build());
    // what it can run, as an admin vouches (no Hello reported any tag)
    given()
        .header("Authorization", ADMIN)
        .put("/api/v1/workers/{id}/tags/{tag}", agent.getWorkerId(), NOOP)
        .then()
        .statusCode(200);
    long wr = pending(klass(List.of(sys(NOOP)), List.of()), 0, 1, null).get(0);
    given()
        .header("Authorization", "Bearer " + agent.getWorkerToken())
        .post("/api/v1/workers/me/next-work-request")
        .then()
        .statusCode(200)
        .body("work_request_id", equalTo((int) wr))
        .body("attempt", equalTo(1))
        .body("task_name", equalTo("noop"));
    // concurrency 1 and one running: nothing more
    pending(klass(List.of(sys(NOOP)), List.of()), 0, 1, null);
    given()
        .header("Authorization", "Bearer " + agent.getWorkerToken())
        .post("/api/v1/workers/me/next-work-request")
        .then()
        .statusCode(204);
    // a worker token opens nothing else; the admin token is no worker
    given()
        .header("Authorization", "Bearer " + agent.getWorkerToken())
        .get("/api/v1/work-requests/{id}", wr)
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    given()
        .header("Authorization", ADMIN)
        .post("/api/v1/workers/me/next-work-request")
        .then()
        .statusCode(403);
    // disabled: refused
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"enabled\":false}")
        .patch("/api/v1/workers/{id}", agent.getWorkerId())
        .then()
        .statusCode(200)
        .body("enabled", equalTo(false));
    given()
        .header("Authorization", "Bearer " + agent.getWorkerToken())
        .post("/api/v1/workers/me/next-work-request")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
  }

  @Test
  void aPassThatSkipsLockedWorkersLeavesThemToTheClaimThatHoldsThemAndSaysWhich() throws Exception {
    long free = worker(true);
    long held = worker(true);
    long disabled = worker(false);
    long anyWorker = klass(List.of(), List.of());
    List<Long> queued = pending(anyWorker, 0, 3, null);
    tags.invalidate(); // the class is new: the next claim reads it
    try (Connection other = db.getConnection()) {
      other.setAutoCommit(false);
      try (PreparedStatement s =
          other.prepareStatement("SELECT id FROM worker WHERE id = ? FOR NO KEY UPDATE")) {
        s.setLong(1, held);
        s.executeQuery().close();
      }
      // another claim (a report batch, say) holds `held`: this pass neither waits nor serves it
      DispatchService.Round round = dispatch.claimFor(List.of(free, held, disabled), 1, true);
      assertEquals(java.util.Set.of(held), round.skipped());
      assertEquals(
          List.of(free),
          round.assigned().stream().map(DispatchService.Assigned::workerId).toList());
      assertEquals(queued.get(0), round.assigned().get(0).assignment().workRequestId());
      other.rollback();
    }
    DispatchService.Round again = dispatch.claimFor(List.of(held, disabled), 1, true);
    assertEquals(java.util.Set.of(), again.skipped());
    assertEquals(
        List.of(held), again.assigned().stream().map(DispatchService.Assigned::workerId).toList());
    assertEquals(queued.get(1), again.assigned().get(0).assignment().workRequestId());
    assertEquals("pending", status(queued.get(2)));

    // assignments that never reached a stream go back in one statement, their attempt kept; a
    // release of an attempt that is no longer current changes nothing
    dispatch.releaseAll(again.assigned());
    assertEquals("pending", status(queued.get(1)));
    assertEquals(1, queryLong("SELECT attempt FROM work_request WHERE id = " + queued.get(1)));
    DispatchService.Round third = dispatch.claimFor(List.of(held), 1, true);
    assertEquals(queued.get(1), third.assigned().get(0).assignment().workRequestId());
    assertEquals(2, third.assigned().get(0).assignment().attempt());
    dispatch.releaseAll(again.assigned());
    assertEquals("running", status(queued.get(1)));
  }

  @Test
  void aClaimForManyWorkersFillsEachUpToItsConcurrencyCountingWhatEachAlreadyRuns()
      throws Exception {
    long two = worker(true); // concurrency 2, one running: room for one
    long one = worker(true); // concurrency 1, idle: room for one
    long three = worker(true); // concurrency 3, three running: full
    exec("UPDATE worker SET concurrency = 2 WHERE id = " + two);
    exec("UPDATE worker SET concurrency = 3 WHERE id = " + three);
    long anyWorker = klass(List.of(), List.of());
    List<Long> running = pending(anyWorker, 0, 4, null);
    exec(
        "UPDATE work_request SET status = 'running', worker_id = CASE id WHEN "
            + running.get(0)
            + " THEN "
            + two
            + " ELSE "
            + three
            + " END, attempt = 1, started_at = now(), lease_expires_at = now() + interval '1 hour'"
            + " WHERE id IN ("
            + running.stream()
                .map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(","))
            + ")");
    // what ended earlier counts for nothing: completed requests of the idle worker
    exec(
        "INSERT INTO work_request (workspace, created_by, status, result, task_type, task_name,"
            + " task_data, configured_task_data, dynamic_task_data, tag_class_id, worker_id)"
            + " SELECT 'System', 'test', 'completed', 'success', 'worker', 'noop', '{}', '{}', '{}', "
            + anyWorker
            + ", "
            + one
            + " FROM generate_series(1, 5)");
    List<Long> queued = pending(anyWorker, 0, 5, null);
    tags.invalidate();

    // kiln_workers counts them connected: two and three busy, one idle
    metrics.sample();
    double busy = workersGauge("busy");
    double idle = workersGauge("idle");
    exec(
        "UPDATE worker SET connected_at = now() WHERE id IN ("
            + two
            + ","
            + one
            + ","
            + three
            + ")");
    metrics.sample();
    assertEquals(busy + 2, workersGauge("busy"));
    assertEquals(idle + 1, workersGauge("idle"));

    DispatchService.Round round =
        dispatch.claimFor(List.of(two, one, three), Integer.MAX_VALUE, true);

    assertEquals(
        java.util.Set.of(two, one),
        round.assigned().stream()
            .map(DispatchService.Assigned::workerId)
            .collect(java.util.stream.Collectors.toSet()));
    assertEquals(2, round.assigned().size());
    assertEquals(java.util.Set.of(), round.skipped());
    assertEquals("pending", status(queued.get(2)));
    assertEquals(
        3,
        queryLong(
            "SELECT count(*) FROM work_request WHERE status = 'pending' AND id >= "
                + queued.get(0)));
  }

  double workersGauge(String state) {
    io.micrometer.core.instrument.Gauge g =
        registry.find("kiln_workers").tags("tag", "worker-type:worker", "state", state).gauge();
    return g == null ? 0 : g.value();
  }

  /** A worker stored directly (no agent connects for it: only direct claims serve it). */
  long worker(boolean enabled) throws SQLException {
    String name = "dispatch-direct-" + UUID.randomUUID();
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO worker (name, worker_type, token_sha256, enabled)"
                    + " VALUES (?, 'worker', md5(?), ?) RETURNING id")) {
      s.setString(1, name);
      s.setString(2, name);
      s.setBoolean(3, enabled);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  @Test
  void adminApiValidatesAndNamesTheField() {
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"concurrency\":0}")
        .patch("/api/v1/workers/{id}", 1)
        .then()
        .statusCode(org.hamcrest.Matchers.oneOf(400, 404))
        .contentType("application/problem+json");
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/workers/{id}", 999_999)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  // --- storage helpers: what preparation would store ---

  record T(String value, String provenance) {}

  static T sys(String v) {
    return new T(v, "system");
  }

  static T user(String v) {
    return new T(v, "user");
  }

  long klass(List<T> required, List<T> provided) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO work_request_tag_class"
                    + " (fingerprint, required_tags, provided_tags, required, provided)"
                    + " VALUES (?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb)) RETURNING id")) {
      s.setString(1, UUID.randomUUID().toString());
      s.setArray(2, c.createArrayOf("text", required.stream().map(T::value).toArray()));
      s.setArray(3, c.createArrayOf("text", provided.stream().map(T::value).toArray()));
      s.setString(4, json(required));
      s.setString(5, json(provided));
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  List<Long> pending(long tagClass, int priority, int n, String timeLimit) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO work_request (workspace, created_by, status, task_type, task_name,"
                    + " task_data, configured_task_data, dynamic_task_data, tag_class_id,"
                    + " prepared_at, priority_base, time_limit)"
                    + " SELECT 'System', 'test', 'pending', 'worker', 'noop', '{\"result\":true}',"
                    + " '{\"result\":true}', '{}', ?, now(), ?, CAST(? AS interval)"
                    + " FROM generate_series(1, ?) RETURNING id")) {
      s.setLong(1, tagClass);
      s.setInt(2, priority);
      s.setString(3, timeLimit);
      s.setInt(4, n);
      List<Long> ids = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ids.add(r.getLong(1));
        }
      }
      ids.sort(null);
      return ids;
    }
  }

  String status(long id) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT status FROM work_request WHERE id = ?")) {
      s.setLong(1, id);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getString(1);
      }
    }
  }

  long queryLong(String sql) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  void exec(String sql) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.executeUpdate();
    }
  }

  static String json(List<T> tags) {
    StringBuilder b = new StringBuilder("[");
    for (T t : tags) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append("{\"value\":\"")
          .append(t.value())
          .append("\",\"provenance\":\"")
          .append(t.provenance())
          .append("\"}");
    }
    return b.append(']').toString();
  }
}

package dev.kiln.scheduler;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.Heartbeat;
import dev.kiln.api.scheduler.v1.Hello;
import dev.kiln.api.scheduler.v1.Lease;
import dev.kiln.api.scheduler.v1.RegisterRequest;
import dev.kiln.api.scheduler.v1.RegisterResponse;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.api.scheduler.v1.WorkerAgentServiceGrpc;
import dev.kiln.common.auth.WorkRequestToken;
import dev.kiln.infra.KilnInfraTestResource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent protocol against the real service, database and broker. */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class AgentProtocolTest {

  static final String ADMIN = "Bearer kiln-dev-admin-token";
  static final ObjectMapper JSON = new ObjectMapper();

  @TestHTTPResource URL url;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  ManagedChannel channel;

  @BeforeEach
  void open() {
    channel = ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
  }

  @AfterEach
  void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void registrationNeedsTheRegistrationToken() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                WorkerAgentServiceGrpc.newBlockingStub(channel)
                    .register(
                        RegisterRequest.newBuilder()
                            .setRegistrationToken("wrong")
                            .setName("intruder")
                            .setWorkerType("worker")
                            .build()));
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
  }

  @Test
  void assignmentRoundTripEmitsTheCompletionEvent() throws Exception {
    Agent agent = Agent.connect(channel, "agent-" + UUID.randomUUID());
    long wrId = createNoop(true);

    Assignment a = agent.nextAssignment(wrId);
    assertEquals("worker", a.getTaskType());
    assertEquals("noop", a.getTaskName());
    assertEquals(1, a.getAttempt());
    assertEquals(true, JSON.readTree(a.getTaskDataJson()).get("result").asBoolean());
    WorkRequestToken token =
        WorkRequestToken.verify(
            a.getArtifactToken(), "kiln-dev-work-request-token-secret", Instant.now());
    assertEquals(wrId, token.workRequestId());
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/work-requests/{id}", wrId)
        .then()
        .body("status", org.hamcrest.Matchers.equalTo("running"));

    agent.stub.completeWorkRequest(complete(wrId, 1, WorkResult.WORK_RESULT_SUCCESS));
    // the same report again (a retry after a lost answer) is accepted and changes nothing
    agent.stub.completeWorkRequest(complete(wrId, 1, WorkResult.WORK_RESULT_SUCCESS));

    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/work-requests/{id}", wrId)
        .then()
        .body("status", org.hamcrest.Matchers.equalTo("completed"))
        .body("result", org.hamcrest.Matchers.equalTo("success"))
        .body("output_data.artifacts[0]", org.hamcrest.Matchers.equalTo(7));

    List<JsonNode> events = completionEvents(wrId, Duration.ofSeconds(30));
    assertEquals(1, events.size(), "exactly one completion event: " + events);
    JsonNode event = events.get(0);
    assertEquals("success", event.get("result").asText());
    assertEquals(1, event.get("attempt").asInt());
    JsonSchema schema = schema("work-request.completed.v1");
    assertTrue(schema.validate(event).isEmpty(), () -> schema.validate(event).toString());
    agent.close();
  }

  @Test
  void staleAttemptIsRefusedAndHeartbeatOfAForeignLeaseIsAborted() throws Exception {
    Agent agent = Agent.connect(channel, "agent-" + UUID.randomUUID());
    long wrId = createNoop(false);
    Assignment a = agent.nextAssignment(wrId);

    StatusRuntimeException stale =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                agent.stub.completeWorkRequest(
                    complete(wrId, a.getAttempt() + 1, WorkResult.WORK_RESULT_SUCCESS)));
    assertEquals(Status.Code.FAILED_PRECONDITION, stale.getStatus().getCode());

    // a heartbeat claiming an attempt the agent does not hold is answered with an abort
    agent.send(
        AgentMessage.newBuilder()
            .setHeartbeat(
                Heartbeat.newBuilder()
                    .addLeases(Lease.newBuilder().setWorkRequestId(wrId).setAttempt(99)))
            .build());
    ServerMessage abort = agent.next(m -> m.hasAbort());
    assertEquals(wrId, abort.getAbort().getWorkRequestId());
    assertEquals(99, abort.getAbort().getAttempt());

    agent.stub.completeWorkRequest(complete(wrId, a.getAttempt(), WorkResult.WORK_RESULT_FAILURE));
    // once completed as failure, a different outcome for the same attempt is refused
    StatusRuntimeException late =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                agent.stub.completeWorkRequest(
                    complete(wrId, a.getAttempt(), WorkResult.WORK_RESULT_SUCCESS)));
    assertEquals(Status.Code.FAILED_PRECONDITION, late.getStatus().getCode());
    agent.close();
  }

  @Test
  void abortOfARunningRequestIsPushedToItsAgentAndItsReportRefused() throws Exception {
    Agent agent = Agent.connect(channel, "agent-" + UUID.randomUUID());
    long wrId = createNoop(true);
    Assignment a = agent.nextAssignment(wrId);

    given()
        .header("Authorization", ADMIN)
        .post("/api/v1/work-requests/{id}/abort", wrId)
        .then()
        .statusCode(200)
        .body("status", org.hamcrest.Matchers.equalTo("aborted"));

    ServerMessage abort = agent.next(ServerMessage::hasAbort);
    assertEquals(wrId, abort.getAbort().getWorkRequestId());
    assertEquals(a.getAttempt(), abort.getAbort().getAttempt());
    StatusRuntimeException late =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                agent.stub.completeWorkRequest(
                    complete(wrId, a.getAttempt(), WorkResult.WORK_RESULT_SUCCESS)));
    assertEquals(Status.Code.FAILED_PRECONDITION, late.getStatus().getCode());
    // aborting again: the request is terminal
    given()
        .header("Authorization", ADMIN)
        .post("/api/v1/work-requests/{id}/abort", wrId)
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
    agent.close();
  }

  @Test
  void callsWithoutAValidWorkerTokenAreRefused() {
    var stub =
        WorkerAgentServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer("forged")));
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> stub.completeWorkRequest(complete(1, 1, WorkResult.WORK_RESULT_SUCCESS)));
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
  }

  @Test
  void manyAgentsWithSeveralSlotsEachTakeEveryRequestExactlyOnce() throws Exception {
    // created and prepared through the service; the lease (30 s) outlasts the test's slow loop
    List<Agent> fleet = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      fleet.add(
          Agent.connect(
              channel, "fleet-" + UUID.randomUUID(), 3, "arch:amd64", "task:worker:noop:v1"));
    }
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      ids.add(createNoop(true));
    }
    Set<Long> seen = new HashSet<>();
    Map<Long, Integer> perAgent = new HashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (seen.size() < ids.size()) {
      assertTrue(System.nanoTime() < deadline, "only " + seen.size() + " of 120 arrived");
      boolean progressed = false;
      for (Agent a : fleet) {
        ServerMessage m = a.inbox.poll(5, TimeUnit.MILLISECONDS);
        if (m == null || !m.hasAssignment()) {
          continue;
        }
        progressed = true;
        Assignment as = m.getAssignment();
        a.stub.completeWorkRequest(
            complete(as.getWorkRequestId(), as.getAttempt(), WorkResult.WORK_RESULT_SUCCESS));
        if (!ids.contains(as.getWorkRequestId())) {
          continue; // left pending by another test
        }
        assertTrue(seen.add(as.getWorkRequestId()), "assigned twice: " + as.getWorkRequestId());
        assertEquals(1, as.getAttempt());
        perAgent.merge(a.workerId, 1, Integer::sum);
      }
      if (!progressed) {
        Thread.onSpinWait();
      }
    }
    assertEquals(new HashSet<>(ids), seen);
    for (long id : ids) {
      given()
          .header("Authorization", ADMIN)
          .get("/api/v1/work-requests/{id}", id)
          .then()
          .body("status", org.hamcrest.Matchers.equalTo("completed"))
          .body("result", org.hamcrest.Matchers.equalTo("success"));
    }
    fleet.forEach(Agent::close);
    assertTrue(perAgent.size() > 1, "the work spread over the fleet: " + perAgent);
  }

  static CompleteWorkRequestRequest complete(long id, int attempt, WorkResult result) {
    return CompleteWorkRequestRequest.newBuilder()
        .setWorkRequestId(id)
        .setAttempt(attempt)
        .setResult(result)
        .setOutputDataJson("{\"artifacts\":[7]}")
        .build();
  }

  static long createNoop(boolean result) {
    return ((Number)
            given()
                .header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"task_name\":\"noop\",\"task_data\":{\"result\":" + result + "}}")
                .post("/api/v1/work-requests")
                .then()
                .statusCode(201)
                .extract()
                .path("id"))
        .longValue();
  }

  static Metadata bearer(String token) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return md;
  }

  private List<JsonNode> completionEvents(long wrId, Duration wait) throws Exception {
    return KafkaEvents.completions(bootstrap, wrId, wait);
  }

  private static JsonSchema schema(String event) throws Exception {
    try (InputStream in =
        AgentProtocolTest.class.getResourceAsStream("/events/" + event + ".schema.json")) {
      assertNotNull(in, "schema of " + event);
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }

  /** A minimal agent: registers, opens the stream, says hello, collects server messages. */
  static final class Agent implements AutoCloseable {
    final WorkerAgentServiceGrpc.WorkerAgentServiceBlockingStub stub;
    final BlockingQueue<ServerMessage> inbox = new LinkedBlockingQueue<>();
    final StreamObserver<AgentMessage> out;
    long workerId;
    String token;

    private Agent(ManagedChannel channel, String token) {
      Metadata md = bearer(token);
      this.stub =
          WorkerAgentServiceGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
      this.out =
          WorkerAgentServiceGrpc.newStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
              .connect(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ServerMessage m) {
                      inbox.add(m);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  });
    }

    static Agent connect(ManagedChannel channel, String name) throws InterruptedException {
      return connect(channel, name, 1, "arch:amd64", "task:worker:noop:v1");
    }

    /** Registers and connects a worker agent reporting these tags about itself. */
    static Agent connect(ManagedChannel channel, String name, int concurrency, String... tags)
        throws InterruptedException {
      RegisterResponse r =
          WorkerAgentServiceGrpc.newBlockingStub(channel)
              .register(
                  RegisterRequest.newBuilder()
                      .setRegistrationToken("kiln-dev-registration-token")
                      .setName(name)
                      .setWorkerType("worker")
                      .build());
      Agent agent = new Agent(channel, r.getWorkerToken());
      agent.workerId = r.getWorkerId();
      agent.token = r.getWorkerToken();
      agent.send(
          AgentMessage.newBuilder()
              .setHello(
                  Hello.newBuilder().setConcurrency(concurrency).addAllProvidedTags(List.of(tags)))
              .build());
      ServerMessage welcome = agent.next(ServerMessage::hasWelcome);
      assertEquals(r.getWorkerId(), welcome.getWelcome().getWorkerId());
      return agent;
    }

    synchronized void send(AgentMessage m) {
      out.onNext(m);
    }

    ServerMessage next(java.util.function.Predicate<ServerMessage> wanted)
        throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        ServerMessage m = inbox.poll(200, TimeUnit.MILLISECONDS);
        if (m != null && wanted.test(m)) {
          return m;
        }
      }
      throw new AssertionError("no such server message arrived");
    }

    Assignment nextAssignment(long wrId) throws InterruptedException {
      return next(m -> m.hasAssignment() && m.getAssignment().getWorkRequestId() == wrId)
          .getAssignment();
    }

    @Override
    public void close() {
      out.onCompleted();
    }
  }
}

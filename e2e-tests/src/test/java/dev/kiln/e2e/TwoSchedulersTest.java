package dev.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestResponse;
import dev.kiln.api.scheduler.v1.Hello;
import dev.kiln.api.scheduler.v1.RegisterRequest;
import dev.kiln.api.scheduler.v1.RegisterResponse;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.api.scheduler.v1.WorkerAgentServiceGrpc;
import dev.kiln.infra.InfraSettings;
import dev.kiln.infra.LocalInfra;
import dev.kiln.infra.Platform;
import dev.kiln.infra.PlatformSecrets;
import dev.kiln.infra.Ports;
import dev.kiln.infra.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue #5's concurrency must-show: two scheduler processes against one database, 1,000 work
 * requests, 50 agents (25 on each replica) that report success at once → each work request is
 * assigned once and completed once, with one completion event.
 */
class TwoSchedulersTest {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @Test
  void twoReplicasAssignAndCompleteEachWorkRequestExactlyOnce() throws Exception {
    Path root = Platform.findRoot();
    InfraSettings infra = LocalInfra.shared().settings();
    PlatformSecrets secrets = PlatformSecrets.random();
    Map<String, String> env = Platform.serviceEnvironment(infra, secrets);
    List<ServiceProcess> replicas = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    List<StreamObserver<AgentMessage>> streams = new CopyOnWriteArrayList<>();
    String createdBy = "two-schedulers-" + UUID.randomUUID();
    try {
      for (int i = 0; i < 2; i++) {
        int port = Ports.free();
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("KILN_SCHEDULER_PORT", String.valueOf(port));
        Path runDir =
            Files.createTempDirectory(Path.of("target").toAbsolutePath(), "scheduler-" + i + "-");
        // one after the other: the first migrates the schema
        replicas.add(
            ServiceProcess.start(root, Platform.SCHEDULER, port, e, runDir)
                .awaitReady(Duration.ofSeconds(180)));
        channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
      }

      Map<Long, List<String>> received = new ConcurrentHashMap<>();
      AtomicInteger refused = new AtomicInteger();
      CountDownLatch welcomed = new CountDownLatch(50);
      for (int a = 0; a < 50; a++) {
        ManagedChannel channel = channels.get(a % 2);
        String name = "replica" + (a % 2) + "-agent-" + a + "-" + UUID.randomUUID();
        RegisterResponse r =
            WorkerAgentServiceGrpc.newBlockingStub(channel)
                .register(
                    RegisterRequest.newBuilder()
                        .setRegistrationToken(secrets.registrationToken())
                        .setName(name)
                        .setWorkerType("worker")
                        .build());
        Metadata auth = new Metadata();
        auth.put(AUTHORIZATION, "Bearer " + r.getWorkerToken());
        WorkerAgentServiceGrpc.WorkerAgentServiceStub stub =
            WorkerAgentServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
        StreamObserver<AgentMessage> out =
            stub.connect(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerMessage m) {
                    if (m.hasWelcome()) {
                      welcomed.countDown();
                      return;
                    }
                    if (!m.hasAssignment()) {
                      return;
                    }
                    Assignment as = m.getAssignment();
                    received
                        .computeIfAbsent(as.getWorkRequestId(), k -> new CopyOnWriteArrayList<>())
                        .add(name + "#" + as.getAttempt());
                    stub.completeWorkRequest(
                        CompleteWorkRequestRequest.newBuilder()
                            .setWorkRequestId(as.getWorkRequestId())
                            .setAttempt(as.getAttempt())
                            .setResult(WorkResult.WORK_RESULT_SUCCESS)
                            .build(),
                        new StreamObserver<CompleteWorkRequestResponse>() {
                          @Override
                          public void onNext(CompleteWorkRequestResponse value) {}

                          @Override
                          public void onError(Throwable t) {
                            refused.incrementAndGet();
                          }

                          @Override
                          public void onCompleted() {}
                        });
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
        streams.add(out);
        out.onNext(
            AgentMessage.newBuilder()
                .setHello(
                    Hello.newBuilder()
                        .setConcurrency(1)
                        .addProvidedTags("task:worker:noop:v1")
                        .addProvidedTags("arch:amd64"))
                .build());
      }
      assertTrue(welcomed.await(120, TimeUnit.SECONDS), "all 50 agents welcomed");

      Set<Long> ids = new HashSet<>();
      try (Connection db =
          DriverManager.getConnection(
              infra.jdbcUrl() + "?currentSchema=scheduler",
              InfraSettings.USER,
              InfraSettings.PASSWORD)) {
        long tagClass;
        try (PreparedStatement s =
            db.prepareStatement(
                "INSERT INTO work_request_tag_class"
                    + " (fingerprint, required_tags, provided_tags, required, provided)"
                    + " VALUES (?, '{task:worker:noop:v1}', '{}',"
                    + " '[{\"value\":\"task:worker:noop:v1\",\"provenance\":\"system\"}]', '[]')"
                    + " RETURNING id")) {
          s.setString(1, createdBy);
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            tagClass = rs.getLong(1);
          }
        }
        // prepared, as preparation would store them: 1,000 at once, while both replicas dispatch
        try (PreparedStatement s =
            db.prepareStatement(
                "INSERT INTO work_request (workspace, created_by, status, task_type, task_name,"
                    + " task_data, configured_task_data, dynamic_task_data, tag_class_id,"
                    + " prepared_at) SELECT 'System', ?, 'pending', 'worker', 'noop',"
                    + " '{\"result\":true}', '{\"result\":true}', '{}', ?, now()"
                    + " FROM generate_series(1, 1000) RETURNING id")) {
          s.setString(1, createdBy);
          s.setLong(2, tagClass);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getLong(1));
            }
          }
        }
        assertEquals(1000, ids.size());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        long completed = 0;
        while (System.nanoTime() < deadline) {
          completed =
              count(
                  db,
                  "SELECT count(*) FROM work_request WHERE created_by = ? AND status = 'completed'",
                  createdBy);
          if (completed == 1000) {
            break;
          }
          Thread.sleep(200);
        }
        assertEquals(1000, completed, "all completed");
        for (long id : ids) {
          List<String> got = received.get(id);
          assertTrue(got != null && got.size() == 1, () -> id + " assigned " + got);
        }
        assertEquals(
            1000,
            count(
                db,
                "SELECT count(*) FROM work_request WHERE created_by = ? AND result = 'success'"
                    + " AND attempt = 1 AND retry_count = 0",
                createdBy));
        assertEquals(
            1000,
            count(
                db,
                "SELECT count(*) FROM outbox_event e JOIN work_request w"
                    + " ON w.id = (e.payload->>'work_request_id')::bigint"
                    + " WHERE w.created_by = ? AND e.event_type = 'work-request.completed.v1'",
                createdBy),
            "one completion event each");
        assertEquals(0, refused.get(), "no report refused");
        long onReplica0 =
            received.values().stream().filter(l -> l.get(0).startsWith("replica0-")).count();
        long onReplica1 =
            received.values().stream().filter(l -> l.get(0).startsWith("replica1-")).count();
        assertTrue(onReplica0 > 0 && onReplica1 > 0, onReplica0 + " / " + onReplica1);
      }
    } finally {
      for (StreamObserver<AgentMessage> s : streams) {
        try {
          s.onCompleted();
        } catch (RuntimeException ignored) {
          // gone
        }
      }
      for (ManagedChannel c : channels) {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      for (ServiceProcess p : replicas) {
        p.close();
      }
    }
  }

  private static long count(Connection db, String sql, String arg) throws Exception {
    try (PreparedStatement s = db.prepareStatement(sql)) {
      s.setString(1, arg);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }
}

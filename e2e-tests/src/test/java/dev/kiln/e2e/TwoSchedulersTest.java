package dev.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.agentclient.TestAgent;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.infra.InfraSettings;
import dev.kiln.infra.LocalInfra;
import dev.kiln.infra.Platform;
import dev.kiln.infra.PlatformSecrets;
import dev.kiln.infra.Ports;
import dev.kiln.infra.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue #5's concurrency must-show: two scheduler processes against one database, 1,000 work
 * requests, 50 agents (25 on each replica) that report success at once → each work request is
 * assigned once and completed once, with one completion event.
 */
class TwoSchedulersTest {

  @Test
  void twoReplicasAssignAndCompleteEachWorkRequestExactlyOnce() throws Exception {
    Path root = Platform.findRoot();
    InfraSettings infra = LocalInfra.shared().settings();
    PlatformSecrets secrets = PlatformSecrets.random();
    Map<String, String> env = Platform.serviceEnvironment(infra, secrets);
    List<ServiceProcess> replicas = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    List<TestAgent> agents = new ArrayList<>();
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
      for (int a = 0; a < 50; a++) {
        ManagedChannel channel = channels.get(a % 2);
        String name = "replica" + (a % 2) + "-agent-" + a + "-" + UUID.randomUUID();
        String token = TestAgent.register(channel, secrets.registrationToken(), name, "worker");
        agents.add(
            TestAgent.connect(
                channel,
                token,
                TestAgent.hello(1, List.of("task:worker:noop:v1", "arch:amd64")),
                (agent, as) -> {
                  received
                      .computeIfAbsent(as.getWorkRequestId(), k -> new CopyOnWriteArrayList<>())
                      .add(name + "#" + as.getAttempt());
                  agent.completeAsync(
                      TestAgent.report(as, WorkResult.WORK_RESULT_SUCCESS),
                      t -> refused.incrementAndGet());
                }));
      }
      for (TestAgent agent : agents) {
        agent.awaitWelcome(Duration.ofSeconds(120));
      }

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
      agents.forEach(TestAgent::close);
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

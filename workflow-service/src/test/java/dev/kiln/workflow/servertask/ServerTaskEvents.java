package dev.kiln.workflow.servertask;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends {@code work-request.server-task.v1} commands as the scheduler's outbox relay does. */
final class ServerTaskEvents {

  private static final AtomicLong IDS =
      new AtomicLong(10_000_000 + (long) (Math.random() * 1_000_000_000L));

  private ServerTaskEvents() {}

  static long newWorkRequestId() {
    return IDS.incrementAndGet();
  }

  static String command(
      long wrId, String workspace, String taskName, String taskData, String dynamic) {
    return """
        {"event_id":"%s","event_type":"work-request.server-task.v1","occurred_at":"%s",
         "work_request_id":%d,"root_workflow_id":null,"parent_id":null,"task_type":"server",
         "task_name":"%s","workspace":"%s","status":"running","task_data":%s,
         "dynamic_task_data":%s}
        """
        .formatted(
            UUID.randomUUID(),
            Instant.now(),
            wrId,
            taskName,
            workspace,
            taskData.replace('\'', '"'),
            dynamic == null ? "null" : dynamic.replace('\'', '"'));
  }

  /** The same command, naming the work request's attempt as the scheduler's do. */
  static String command(
      long wrId, int attempt, String workspace, String taskName, String taskData, String dynamic) {
    return command(wrId, workspace, taskName, taskData, dynamic)
        .replace("\"status\":\"running\"", "\"attempt\":" + attempt + ",\"status\":\"running\"");
  }

  static void send(String bootstrap, long key, String... payloads) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      for (String p : payloads) {
        producer.send(new ProducerRecord<>("kiln.work-requests", "" + key, p)).get();
      }
    }
  }

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      if (done.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("never happened: " + what);
  }
}

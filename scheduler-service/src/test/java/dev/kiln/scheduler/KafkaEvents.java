package dev.kiln.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads work request events from the real broker, as a fresh consumer group. */
final class KafkaEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private KafkaEvents() {}

  /**
   * The completion events of a work request: polls until one is seen (or the wait ends), then a few
   * more times to catch copies.
   */
  static List<JsonNode> completions(String bootstrap, long wrId, Duration wait) throws Exception {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            "test-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<JsonNode> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("kiln.work-requests"));
      long deadline = System.nanoTime() + wait.toNanos();
      int pollsAfterFound = 0;
      while (System.nanoTime() < deadline && pollsAfterFound < 3) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          JsonNode e = JSON.readTree(r.value());
          if (e.get("work_request_id").asLong() == wrId
              && "work-request.completed.v1".equals(e.get("event_type").asText())) {
            assertEquals(String.valueOf(wrId), r.key());
            found.add(e);
          }
        }
        if (!found.isEmpty()) {
          pollsAfterFound++;
        }
      }
    }
    return found;
  }
}

package dev.kiln.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the events of {@code kiln.work-requests} from the start of the topic, for the e2e tests
 * that check what a work request published (beside {@link KilnClient}, which checks what the
 * services answer).
 */
public final class WorkRequestEvents {

  /** The topic of the work request events and commands. */
  public static final String TOPIC = "kiln.work-requests";

  /** Polls that follow the first match, so that a duplicate published after it is seen too. */
  private static final int POLLS_AFTER_FIRST = 4;

  private static final ObjectMapper JSON = new ObjectMapper();

  private WorkRequestEvents() {}

  /**
   * The events of this type about this work request: consumes the topic in a new consumer group
   * until one is seen (at most {@code timeout}), then a few more polls.
   *
   * @return every one seen, in the order read (empty when none came in time)
   */
  public static List<JsonNode> of(
      String bootstrapServers, long workRequestId, String eventType, Duration timeout)
      throws IOException {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.GROUP_ID_CONFIG,
            "e2e-events-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<JsonNode> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + timeout.toNanos();
      int pollsAfterFirst = 0;
      while (System.nanoTime() < deadline && pollsAfterFirst < POLLS_AFTER_FIRST) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          JsonNode e = JSON.readTree(r.value());
          if (e.path("work_request_id").asLong() == workRequestId
              && eventType.equals(e.path("event_type").asText())) {
            found.add(e);
          }
        }
        if (!found.isEmpty()) {
          pollsAfterFirst++;
        }
      }
    }
    return found;
  }
}

package dev.kiln.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the events of {@code kiln.work-requests} from the start of the topic, for the tests that
 * check what a work request published (beside {@link KilnClient}, which checks what the services
 * answer).
 */
public final class WorkRequestEvents {

  /** The topic of the work request events and commands. */
  public static final String TOPIC = "kiln.work-requests";

  /**
   * Polls that follow the moment enough was read, so that a duplicate published after it is seen.
   */
  private static final int POLLS_AFTER_ENOUGH = 4;

  private static final ObjectMapper JSON = new ObjectMapper();

  private WorkRequestEvents() {}

  /** One record as read: its key, its partition and its event. */
  public record Read(String key, int partition, JsonNode event) {

    /** The event's {@code event_type}. */
    public String type() {
      return event.path("event_type").asText();
    }
  }

  /**
   * The events of this type about this work request: consumes the topic in a new consumer group
   * until one is seen (at most {@code timeout}), then a few more polls.
   *
   * @return every one seen, in the order read (empty when none came in time)
   */
  public static List<JsonNode> of(
      String bootstrapServers, long workRequestId, String eventType, Duration timeout)
      throws IOException {
    return read(
            bootstrapServers,
            r ->
                r.event().path("work_request_id").asLong() == workRequestId
                    && eventType.equals(r.type()),
            found -> !found.isEmpty(),
            timeout)
        .stream()
        .map(Read::event)
        .toList();
  }

  /**
   * The records that {@code match}, read from the start of the topic in a new consumer group until
   * what was found is {@code enough} (at most {@code timeout}), then a few more polls.
   *
   * @return every match, in the order read
   */
  public static List<Read> read(
      String bootstrapServers,
      Predicate<Read> match,
      Predicate<List<Read>> enough,
      Duration timeout)
      throws IOException {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.GROUP_ID_CONFIG,
            "test-events-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<Read> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + timeout.toNanos();
      int pollsAfterEnough = 0;
      while (System.nanoTime() < deadline && pollsAfterEnough < POLLS_AFTER_ENOUGH) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          Read read = new Read(r.key(), r.partition(), JSON.readTree(r.value()));
          if (match.test(read)) {
            found.add(read);
          }
        }
        if (enough.test(found)) {
          pollsAfterEnough++;
        }
      }
    }
    return found;
  }
}

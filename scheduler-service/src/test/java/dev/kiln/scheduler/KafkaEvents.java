package dev.kiln.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.infra.WorkRequestEvents;
import java.time.Duration;
import java.util.List;

/** Reads work request events from the real broker, as a fresh consumer group. */
final class KafkaEvents {

  private KafkaEvents() {}

  /**
   * The completion events of a work request: polls until one is seen (or the wait ends), then a few
   * more times to catch copies. Each is keyed by the work request (it is outside any workflow).
   */
  static List<JsonNode> completions(String bootstrap, long wrId, Duration wait) throws Exception {
    List<WorkRequestEvents.Read> found =
        WorkRequestEvents.read(
            bootstrap,
            r ->
                r.event().path("work_request_id").asLong() == wrId
                    && "work-request.completed.v1".equals(r.type()),
            f -> !f.isEmpty(),
            wait);
    for (WorkRequestEvents.Read r : found) {
      assertEquals(String.valueOf(wrId), r.key());
    }
    return found.stream().map(WorkRequestEvents.Read::event).toList();
  }
}

package dev.kiln.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.input.InputValues;
import java.util.Objects;

/**
 * A work request's {@code dynamic_task_data}: what the server computed from the task data before
 * the task runs. Stored and sent to workers as plain JSON:
 *
 * <pre>{@code
 * {
 *   "subject": "hello",
 *   "configuration_context": "bookworm",
 *   "inputs": {
 *     "host_architecture": {"architecture": "amd64", "fallback": true},
 *     "source_artifact": {"lookup": "12@artifacts",
 *                         "artifact": {"id": 12, "category": "debian:source-package",
 *                                      "data": {"name": "hello", "version": "2.10-3"}}},
 *     "environment": {"lookup": "debian/match:codename=bookworm:architecture=amd64:format=tarball",
 *                     "artifact": {"id": 7, "category": "debian:system-tarball", "data": {...}}}
 *   }
 * }
 * }</pre>
 *
 * @param subject the configuration subject (e.g. the source package name), or null
 * @param configurationContext the configuration context (e.g. a codename), or null
 * @param inputs the resolved task input fields
 */
public record DynamicTaskData(String subject, String configurationContext, InputValues inputs) {

  /** Checks the inputs are present. */
  public DynamicTaskData {
    Objects.requireNonNull(inputs, "inputs");
  }

  /** The JSON stored as {@code dynamic_task_data}. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    if (subject != null) {
      o.put("subject", subject);
    }
    if (configurationContext != null) {
      o.put("configuration_context", configurationContext);
    }
    o.set("inputs", inputs.toJson());
    return o;
  }

  /**
   * Reads stored {@code dynamic_task_data} (null or absent means empty). Unknown keys are kept out
   * of the typed view but do not fail, so newer servers can add keys.
   */
  public static DynamicTaskData fromJson(JsonNode json) {
    if (json == null || json.isNull() || json.isMissingNode()) {
      return new DynamicTaskData(null, null, InputValues.none());
    }
    if (!json.isObject()) {
      throw new IllegalArgumentException("dynamic_task_data must be a JSON object");
    }
    return new DynamicTaskData(
        text(json, "subject"),
        text(json, "configuration_context"),
        InputValues.fromJson(json.get("inputs")));
  }

  private static String text(JsonNode json, String key) {
    JsonNode v = json.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }
}

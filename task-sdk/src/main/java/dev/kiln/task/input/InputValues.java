package dev.kiln.task.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskJson;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resolved values of a task's input fields, as persisted in {@code dynamic_task_data.inputs}
 * (plain JSON, one key per field name). Reading a value never looks anything up.
 *
 * <p>Values know how far resolution went ({@link Coverage}): reading a field that was not resolved
 * yet (e.g. an EXECUTION field while only the CONFIG stage is) is a programming error and throws
 * {@link IllegalStateException}, so a {@code getSubject()} that needs more than CONFIG fields fails
 * loudly in tests.
 */
public final class InputValues {

  /** How far resolution went. */
  public enum Coverage {
    /** Only fields that take no lookup (architectures). */
    VALUES_ONLY,
    /** Those and the {@link Stage#CONFIG} lookup fields. */
    CONFIG,
    /** Every field. */
    ALL
  }

  private final Map<String, JsonNode> values;
  private final Coverage coverage;

  private InputValues(Map<String, JsonNode> values, Coverage coverage) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.coverage = Objects.requireNonNull(coverage);
  }

  /** Values as resolved by the server (persisted JSON per field name). */
  public static InputValues of(Map<String, JsonNode> values, Coverage coverage) {
    return new InputValues(values, coverage);
  }

  /** No values at all (a task that declares no fields, or a test). */
  public static InputValues none() {
    return new InputValues(Map.of(), Coverage.ALL);
  }

  /**
   * Reads the values persisted in dynamic task data: the object {@code dynamic_task_data.inputs}
   * (absent or null means no fields).
   */
  public static InputValues fromJson(JsonNode inputs) {
    Map<String, JsonNode> map = new LinkedHashMap<>();
    if (inputs != null && !inputs.isNull()) {
      if (!inputs.isObject()) {
        throw new IllegalArgumentException("dynamic_task_data.inputs must be an object");
      }
      Iterator<Map.Entry<String, JsonNode>> it = inputs.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        map.put(e.getKey(), e.getValue());
      }
    }
    return new InputValues(map, Coverage.ALL);
  }

  /** How far resolution went. */
  public Coverage coverage() {
    return coverage;
  }

  /**
   * The value of a required field (or of an optional one that is known to be set).
   *
   * @throws IllegalStateException when it is not resolved at this coverage, or has no value
   */
  public <V extends InputValue> V get(InputField<?, V> field) {
    return find(field)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "input field '"
                        + field.name()
                        + "' ("
                        + field.taskDataPath()
                        + ") has no value"));
  }

  /**
   * The value of a field, or empty when the task data leaves an optional field unset.
   *
   * @throws IllegalStateException when the field is not resolved at this coverage
   */
  public <V extends InputValue> Optional<V> find(InputField<?, V> field) {
    JsonNode node = values.get(field.name());
    if (node != null && !node.isNull()) {
      return Optional.of(field.read(node));
    }
    boolean resolved =
        switch (coverage) {
          case ALL -> true;
          case CONFIG -> field.kind().isLookup() && field.stage() == Stage.CONFIG;
          case VALUES_ONLY -> false;
        };
    if (!resolved || !field.kind().isLookup()) {
      throw new IllegalStateException(
          "input field '"
              + field.name()
              + "' is not resolved here (resolved: "
              + coverage
              + "; the field's stage is "
              + field.stage()
              + ")");
    }
    return Optional.empty();
  }

  /** The persisted values by field name. */
  public Map<String, JsonNode> asMap() {
    return values;
  }

  /**
   * The ids of every artifact the values name (single and multiple artifact fields): what the work
   * request's token lets its worker read.
   */
  public Set<Long> artifactIds() {
    Set<Long> ids = new TreeSet<>();
    for (JsonNode value : values.values()) {
      JsonNode single = value.path("artifact");
      if (single.hasNonNull("id")) {
        ids.add(single.get("id").asLong());
      }
      for (JsonNode artifact : value.path("artifacts")) {
        if (artifact.hasNonNull("id")) {
          ids.add(artifact.get("id").asLong());
        }
      }
    }
    return ids;
  }

  /** The JSON object stored as {@code dynamic_task_data.inputs}. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    values.forEach(o::set);
    return o;
  }

  /** The JSON of a value, as persisted. */
  public static JsonNode persist(InputValue value) {
    return TaskJson.toTree(value);
  }

  @Override
  public String toString() {
    return "InputValues[" + coverage + " " + values.keySet() + "]";
  }
}

package dev.kiln.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The JSON Schema (draft 2020-12) of one task's {@code task_data}, read from the classpath (the
 * api-contracts jar ships them as {@code task-data/<task_type>/<task_name>.schema.json}).
 * Validation reports every problem as a {@link FieldError} naming the field by JSON path under
 * {@code task_data}: unknown keys ({@code unknown field}), missing required keys ({@code is
 * required}), wrong types ({@code must be a boolean}), values outside an enum, and so on (see
 * {@link JsonDataSchema}, which does the checking).
 */
public final class TaskDataSchema {

  private final JsonDataSchema schema;

  private TaskDataSchema(JsonDataSchema schema) {
    this.schema = schema;
  }

  /** The classpath resource of a task's schema: {@code /task-data/<type>/<name>.schema.json}. */
  public static String resourceFor(TaskType type, String name) {
    return "/task-data/" + type.wire() + "/" + name + ".schema.json";
  }

  /**
   * Loads a schema from the classpath.
   *
   * @throws IllegalStateException when the resource is missing or not JSON
   */
  public static TaskDataSchema load(String resource) {
    return new TaskDataSchema(JsonDataSchema.load(resource, "task_data"));
  }

  /** The classpath resource it was read from. */
  public String resource() {
    return schema.resource();
  }

  /** The schema document. */
  public JsonNode document() {
    return schema.document();
  }

  /**
   * Checks a submitted {@code task_data} document.
   *
   * @return the errors, sorted by field; empty when it is valid
   */
  public List<FieldError> validate(JsonNode taskData) {
    return schema.validate(taskData);
  }
}

package dev.kiln.task;

import java.util.Objects;

/**
 * One problem with a submitted document, naming the field by its JSON path.
 *
 * @param field the JSON path, e.g. {@code task_data.input.source_artifact} or {@code
 *     task_data.copies[0].target_collection}
 * @param message what is wrong, e.g. {@code is required}, {@code unknown field}, {@code must be a
 *     boolean}
 */
public record FieldError(String field, String message) {

  /** Checks both parts are present. */
  public FieldError {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field + ": " + message;
  }
}

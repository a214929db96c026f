package dev.kiln.task;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Task data that does not fit its task: an unknown task, or {@code task_data} that fails its JSON
 * Schema. Services answer it with a 400 problem whose {@code errors[]} are {@link #errors()}.
 */
public class TaskDataException extends Exception {

  private static final long serialVersionUID = 1L;

  /** The errors, never empty. */
  private final transient List<FieldError> errors;

  /** An exception listing these errors (at least one). */
  public TaskDataException(List<FieldError> errors) {
    super(describe(errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a TaskDataException needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  /** The errors, each naming its field. */
  public List<FieldError> errors() {
    return errors;
  }

  private static String describe(List<FieldError> errors) {
    return "invalid task data: "
        + errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
  }
}

package dev.kiln.task.server;

import dev.kiln.task.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Dynamic data could not be computed: an input field's lookup failed (found nothing, found the
 * wrong thing, was malformed or forbidden), or a required field has no lookup. The work request
 * ends as {@code error} with {@link #code()} {@value #CODE} and this message, which names each
 * field and its lookup.
 */
public class DynamicDataException extends Exception {

  /** The error code of a work request whose dynamic data failed. */
  public static final String CODE = "dynamic-data-failed";

  private static final long serialVersionUID = 1L;

  /** One per failed field. */
  private final transient List<FieldError> errors;

  /** An exception for these failures (at least one). */
  public DynamicDataException(List<FieldError> errors) {
    super(
        "dynamic data failed: "
            + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a DynamicDataException needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  /** Always {@value #CODE}. */
  public String code() {
    return CODE;
  }

  /** The failures, each naming the task data field of the input field that failed. */
  public List<FieldError> errors() {
    return errors;
  }
}

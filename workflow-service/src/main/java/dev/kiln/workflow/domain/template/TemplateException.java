package dev.kiln.workflow.domain.template;

import dev.kiln.task.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/** A template or a start request is invalid; the errors name each field (a 400 problem). */
public final class TemplateException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<FieldError> errors;

  /** With these errors (at least one). */
  public TemplateException(List<FieldError> errors) {
    super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a TemplateException names at least one field");
    }
    this.errors = List.copyOf(errors);
  }

  /** The errors, each naming a field. */
  public List<FieldError> errors() {
    return errors;
  }
}

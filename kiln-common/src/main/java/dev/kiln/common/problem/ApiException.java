package dev.kiln.common.problem;

import java.util.List;

/**
 * An error that a service answers to its client: REST maps it to an RFC 9457 {@code
 * application/problem+json} body, gRPC to the matching status code. The {@link Kind} is the one
 * table from domain error to protocol status.
 */
public class ApiException extends RuntimeException {

  /** The kinds of error, each with its HTTP status. */
  public enum Kind {
    INVALID_INPUT(400, "Invalid input"),
    UNAUTHENTICATED(401, "Authentication required"),
    FORBIDDEN(403, "Forbidden"),
    NOT_FOUND(404, "Not found"),
    CONFLICT(409, "Conflict"),
    PRECONDITION_FAILED(409, "Precondition failed"),
    UNAVAILABLE(503, "Service unavailable");

    private final int httpStatus;
    private final String title;

    Kind(int httpStatus, String title) {
      this.httpStatus = httpStatus;
      this.title = title;
    }

    public int httpStatus() {
      return httpStatus;
    }

    public String title() {
      return title;
    }

    /** The problem {@code type} URI of this kind. */
    public String typeUri() {
      return "https://kiln.dev/problems/" + name().toLowerCase().replace('_', '-');
    }
  }

  private final Kind kind;
  private final List<FieldError> errors;

  public ApiException(Kind kind, String detail) {
    this(kind, detail, List.of());
  }

  public ApiException(Kind kind, String detail, List<FieldError> errors) {
    super(detail);
    this.kind = kind;
    this.errors = List.copyOf(errors);
  }

  public static ApiException invalidField(String field, String message) {
    return new ApiException(
        Kind.INVALID_INPUT, field + ": " + message, List.of(new FieldError(field, message)));
  }

  public static ApiException invalid(List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : errors.size() + " fields are invalid";
    return new ApiException(Kind.INVALID_INPUT, detail, errors);
  }

  public static ApiException notFound(String what) {
    return new ApiException(Kind.NOT_FOUND, what + " does not exist");
  }

  public static ApiException unauthenticated(String detail) {
    return new ApiException(Kind.UNAUTHENTICATED, detail);
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(Kind.FORBIDDEN, detail);
  }

  public static ApiException conflict(String detail) {
    return new ApiException(Kind.CONFLICT, detail);
  }

  public static ApiException preconditionFailed(String detail) {
    return new ApiException(Kind.PRECONDITION_FAILED, detail);
  }

  public Kind kind() {
    return kind;
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** The RFC 9457 body of this error. */
  public Problem toProblem(String instance) {
    return new Problem(
        kind.typeUri(), kind.title(), kind.httpStatus(), getMessage(), instance, errors);
  }
}

package dev.kiln.common.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.kiln.common.problem.ApiException;
import dev.kiln.common.problem.FieldError;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.stream.Collectors;

/** A request body that is not valid JSON, or not of the expected shape: 400 naming the field. */
@Provider
public class JsonInputExceptionMapper implements ExceptionMapper<JsonProcessingException> {

  @Context UriInfo uriInfo;

  @Override
  public Response toResponse(JsonProcessingException e) {
    return ProblemResponses.of(toApiException(e), uriInfo == null ? null : uriInfo.getPath());
  }

  static ApiException toApiException(JsonProcessingException e) {
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field = path(mapping);
      String message;
      if (e instanceof UnrecognizedPropertyException) {
        message = "unknown field";
      } else if (e instanceof InvalidFormatException invalid) {
        message =
            "cannot be read as "
                + simpleType(invalid.getTargetType())
                + ": "
                + String.valueOf(invalid.getValue());
      } else if (e instanceof MismatchedInputException mismatched) {
        message = "must be " + simpleType(mismatched.getTargetType());
      } else {
        message = "is invalid";
      }
      return ApiException.invalid(List.of(new FieldError(field, message)));
    }
    return new ApiException(
        ApiException.Kind.INVALID_INPUT,
        "the request body is not valid JSON: " + e.getOriginalMessage());
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String simpleType(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "a boolean";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type.isEnum()) {
      return "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase();
    }
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    return "an object";
  }
}

package dev.kiln.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JSON Schema (draft 2020-12) of one task's {@code task_data}, read from the classpath (the
 * api-contracts jar ships them as {@code task-data/<task_type>/<task_name>.schema.json}).
 * Validation reports every problem as a {@link FieldError} naming the field by JSON path under
 * {@code task_data}: unknown keys ({@code unknown field}), missing required keys ({@code is
 * required}), wrong types ({@code must be a boolean}), values outside an enum, and so on.
 */
public final class TaskDataSchema {

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder()
          .locale(Locale.ENGLISH)
          .pathType(PathType.LEGACY)
          .formatAssertionsEnabled(true)
          .build();

  private final String resource;
  private final JsonNode document;
  private final JsonSchema schema;

  private TaskDataSchema(String resource, JsonNode document) {
    this.resource = resource;
    this.document = document;
    this.schema = FACTORY.getSchema(document, CONFIG);
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
    Objects.requireNonNull(resource, "resource");
    try (InputStream in = TaskDataSchema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no task data schema on the classpath at " + resource);
      }
      return new TaskDataSchema(resource, TaskJson.mapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read task data schema " + resource, e);
    }
  }

  /** The classpath resource it was read from. */
  public String resource() {
    return resource;
  }

  /** The schema document. */
  public JsonNode document() {
    return document;
  }

  /**
   * Checks a submitted {@code task_data} document.
   *
   * @return the errors, sorted by field; empty when it is valid
   */
  public List<FieldError> validate(JsonNode taskData) {
    if (taskData == null || taskData.isMissingNode()) {
      return List.of(new FieldError("task_data", "is required"));
    }
    Set<FieldError> errors = new LinkedHashSet<>();
    for (ValidationMessage m : schema.validate(taskData)) {
      errors.add(toFieldError(m));
    }
    List<FieldError> sorted = new ArrayList<>(errors);
    sorted.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
    return sorted;
  }

  private static FieldError toFieldError(ValidationMessage m) {
    String at = path(m.getInstanceLocation());
    String type = m.getType();
    Object[] args = m.getArguments() == null ? new Object[0] : m.getArguments();
    return switch (type) {
      case "required" -> new FieldError(join(at, m.getProperty()), "is required");
      case "additionalProperties", "unevaluatedProperties" ->
          new FieldError(join(at, m.getProperty()), "unknown field");
      case "type" -> new FieldError(at, "must be " + expectedType(m));
      case "enum" -> new FieldError(at, "must be one of " + enumValues(m));
      case "const" -> new FieldError(at, "must be " + m.getSchemaNode());
      default -> new FieldError(at, detail(m, args));
    };
  }

  private static String expectedType(ValidationMessage m) {
    JsonNode t = m.getSchemaNode();
    List<String> types = new ArrayList<>();
    if (t != null && t.isArray()) {
      t.forEach(n -> types.add(n.asText()));
    } else if (t != null && t.isTextual()) {
      types.add(t.asText());
    }
    List<String> named =
        types.stream().filter(s -> !s.equals("null")).map(TaskDataSchema::article).toList();
    if (named.isEmpty()) {
      return "null";
    }
    return String.join(" or ", named);
  }

  private static String article(String type) {
    return switch (type) {
      case "object", "array", "integer" -> "an " + type;
      default -> "a " + type;
    };
  }

  private static String enumValues(ValidationMessage m) {
    JsonNode values = m.getSchemaNode();
    if (values == null || !values.isArray()) {
      return "the allowed values";
    }
    List<String> out = new ArrayList<>();
    values.forEach(v -> out.add(v.isNull() ? "null" : v.asText()));
    return out.stream().collect(Collectors.joining(", "));
  }

  private static String detail(ValidationMessage m, Object[] args) {
    String message = m.getMessage();
    String prefix = m.getInstanceLocation().toString() + ": ";
    if (message != null && message.startsWith(prefix)) {
      message = message.substring(prefix.length());
    }
    if (message == null || message.isBlank()) {
      message = m.getType() + " " + Arrays.toString(args);
    }
    return message;
  }

  /** {@code $.input.source_artifact} becomes {@code task_data.input.source_artifact}. */
  static String path(JsonNodePath location) {
    StringBuilder out = new StringBuilder("task_data");
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        out.append('[').append(index).append(']');
      } else {
        out.append('.').append(element);
      }
    }
    return out.toString();
  }

  private static String join(String at, String property) {
    return property == null ? at : at + "." + property;
  }
}

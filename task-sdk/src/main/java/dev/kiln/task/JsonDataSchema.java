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
 * A JSON Schema (draft 2020-12) read from the classpath, that checks one JSON document of a
 * request: {@code task_data} of a work request ({@link TaskDataSchema}), {@code data} of an
 * artifact. Validation reports every problem as a {@link FieldError} naming the field by its JSON
 * path under the document's name (the root): unknown keys ({@code unknown field}), missing required
 * keys ({@code is required}), wrong types ({@code must be a boolean}), values outside an enum, and
 * so on.
 */
public final class JsonDataSchema {

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder()
          .locale(Locale.ENGLISH)
          .pathType(PathType.LEGACY)
          .formatAssertionsEnabled(true)
          .build();

  private final String resource;
  private final String root;
  private final JsonNode document;
  private final JsonSchema schema;

  private JsonDataSchema(String resource, String root, JsonNode document) {
    this.resource = resource;
    this.root = root;
    this.document = document;
    this.schema = FACTORY.getSchema(document, CONFIG);
  }

  /**
   * Loads a schema from the classpath.
   *
   * @param resource the classpath resource, e.g. {@code /task-data/worker/noop.schema.json}
   * @param root the name of the checked document in field paths, e.g. {@code task_data}
   * @throws IllegalStateException when the resource is missing or not JSON
   */
  public static JsonDataSchema load(String resource, String root) {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(root, "root");
    try (InputStream in = JsonDataSchema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no JSON schema on the classpath at " + resource);
      }
      return new JsonDataSchema(resource, root, TaskJson.mapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read JSON schema " + resource, e);
    }
  }

  /** The classpath resource it was read from. */
  public String resource() {
    return resource;
  }

  /** The name of the checked document in field paths. */
  public String root() {
    return root;
  }

  /** The schema document. */
  public JsonNode document() {
    return document;
  }

  /**
   * Checks a submitted document.
   *
   * @return the errors, sorted by field; empty when it is valid
   */
  public List<FieldError> validate(JsonNode data) {
    if (data == null || data.isMissingNode()) {
      return List.of(new FieldError(root, "is required"));
    }
    Set<FieldError> errors = new LinkedHashSet<>();
    for (ValidationMessage m : schema.validate(data)) {
      errors.add(toFieldError(m));
    }
    List<FieldError> sorted = new ArrayList<>(errors);
    sorted.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
    return sorted;
  }

  private FieldError toFieldError(ValidationMessage m) {
    String at = path(root, m.getInstanceLocation());
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
        types.stream().filter(s -> !s.equals("null")).map(JsonDataSchema::article).toList();
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

  /** {@code $.input.source_artifact} becomes {@code <root>.input.source_artifact}. */
  static String path(String root, JsonNodePath location) {
    StringBuilder out = new StringBuilder(root);
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

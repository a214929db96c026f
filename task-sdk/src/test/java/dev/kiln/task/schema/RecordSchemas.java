package dev.kiln.task.schema;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskDefinition;
import dev.kiln.task.TaskJson;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Derives the structural JSON Schema of a task data record (what Jackson reads with {@link
 * TaskJson#mapper()}), and compares it with a hand-written schema. Structure means: object keys,
 * required keys, {@code additionalProperties: false}, JSON types (with {@code null} for optional
 * keys), enum values, date-time formats, array items and map values. Everything else in the
 * hand-written schema (descriptions, defaults, bounds, patterns, {@code oneOf}) is free.
 */
public final class RecordSchemas {

  private static final ObjectMapper MAPPER = TaskJson.mapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private RecordSchemas() {}

  /** The skeleton schema file of a task (a starting point for the hand-written one). */
  public static ObjectNode skeleton(TaskDefinition<?> d) {
    ObjectNode root = F.objectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.put("$id", "https://kiln.dev" + d.schemaResource());
    root.put("title", d.type().wire() + "/" + d.name() + " task_data");
    root.setAll(schemaOf(MAPPER.constructType(d.dataType()), true));
    return root;
  }

  /** The structural schema of a Java type. */
  public static ObjectNode schemaOf(JavaType type, boolean required) {
    ObjectNode s = F.objectNode();
    Class<?> raw = type.getRawClass();
    List<String> types = new ArrayList<>();
    if (raw == LookupSingle.class) {
      types.add("string");
      types.add("integer");
    } else if (raw == LookupMultiple.class) {
      types.add("array");
      types.add("object");
      ObjectNode items = F.objectNode();
      items.set("type", array(List.of("string", "integer", "object")));
      s.set("items", items);
    } else if (raw == boolean.class || raw == Boolean.class) {
      types.add("boolean");
    } else if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
      types.add("integer");
    } else if (raw == double.class || raw == Double.class) {
      types.add("number");
    } else if (raw == String.class) {
      types.add("string");
    } else if (raw == Instant.class) {
      types.add("string");
      s.put("format", "date-time");
    } else if (type.isEnumType()) {
      types.add("string");
      ArrayNode values = F.arrayNode();
      for (Object c : raw.getEnumConstants()) {
        values.add(MAPPER.valueToTree(c).asText());
      }
      if (!required) {
        values.addNull();
      }
      s.set("enum", values);
    } else if (type.isCollectionLikeType()) {
      types.add("array");
      s.set("items", schemaOf(type.getContentType(), true));
    } else if (type.isMapLikeType()) {
      types.add("object");
      s.set("additionalProperties", schemaOf(type.getContentType(), true));
    } else if (raw == ObjectNode.class) {
      types.add("object");
    } else if (JsonNode.class.isAssignableFrom(raw)) {
      return s; // any JSON
    } else if (raw.isRecord()) {
      types.add("object");
      ObjectNode properties = F.objectNode();
      ArrayNode requiredKeys = F.arrayNode();
      for (Map.Entry<String, BeanPropertyDefinition> p : properties(raw).entrySet()) {
        boolean req = p.getValue().isRequired();
        if (!req && p.getValue().getPrimaryType().isPrimitive()) {
          throw new IllegalStateException(
              raw.getName() + "." + p.getKey() + ": an optional key must not be a primitive");
        }
        properties.set(p.getKey(), schemaOf(p.getValue().getPrimaryType(), req));
        if (req) {
          requiredKeys.add(p.getKey());
        }
      }
      if (!requiredKeys.isEmpty()) {
        s.set("required", requiredKeys);
      }
      s.set("properties", properties);
      s.put("additionalProperties", false);
    } else {
      throw new IllegalStateException("no JSON Schema mapping for " + type);
    }
    if (!required) {
      types.add("null");
    }
    ObjectNode out = F.objectNode();
    out.set("type", types.size() == 1 ? F.textNode(types.get(0)) : array(types));
    out.setAll(s);
    return out;
  }

  /** The JSON properties of a record, in component order. */
  static Map<String, BeanPropertyDefinition> properties(Class<?> record) {
    BeanDescription desc =
        MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(record));
    Map<String, BeanPropertyDefinition> byInternal = new LinkedHashMap<>();
    for (BeanPropertyDefinition p : desc.findProperties()) {
      byInternal.put(p.getInternalName(), p);
    }
    Map<String, BeanPropertyDefinition> out = new LinkedHashMap<>();
    for (RecordComponent c : record.getRecordComponents()) {
      BeanPropertyDefinition p = byInternal.get(c.getName());
      if (p == null) {
        throw new IllegalStateException(
            record.getName() + "." + c.getName() + " is not a property");
      }
      out.put(p.getName(), p);
    }
    return out;
  }

  /**
   * The structural differences between the schema derived from a record and a hand-written one;
   * empty when they agree.
   */
  public static List<String> differences(JsonNode expected, JsonNode actual, String path) {
    List<String> out = new ArrayList<>();
    compare(expected, actual, path, out);
    return out;
  }

  private static void compare(JsonNode exp, JsonNode act, String path, List<String> out) {
    if (act == null || act.isMissingNode()) {
      out.add(path + ": missing in the schema");
      return;
    }
    if (!exp.has("type")) {
      if (act.has("type")) {
        out.add(path + ": the record takes any JSON, the schema restricts its type");
      }
      return;
    }
    if (!types(exp).equals(types(act))) {
      out.add(path + ": type " + types(act) + " in the schema, " + types(exp) + " in the record");
    }
    if (exp.has("enum") && !values(exp.get("enum")).equals(values(act.get("enum")))) {
      out.add(
          path
              + ": enum "
              + values(act.get("enum"))
              + " in the schema, "
              + values(exp.get("enum"))
              + " in the record");
    }
    if (exp.has("format") && !exp.get("format").equals(act.get("format"))) {
      out.add(path + ": format must be " + exp.get("format"));
    }
    if (exp.has("properties")) {
      if (!act.path("additionalProperties").isBoolean()
          || act.path("additionalProperties").asBoolean()) {
        out.add(path + ": must say additionalProperties: false");
      }
      Set<String> expKeys = keys(exp.get("properties"));
      Set<String> actKeys = keys(act.get("properties"));
      if (!expKeys.equals(actKeys)) {
        out.add(path + ": properties " + actKeys + " in the schema, " + expKeys + " in the record");
      }
      if (!values(exp.get("required")).equals(values(act.get("required")))) {
        out.add(
            path
                + ": required "
                + values(act.get("required"))
                + " in the schema, "
                + values(exp.get("required"))
                + " in the record");
      }
      for (String key : expKeys) {
        if (actKeys.contains(key)) {
          compare(
              exp.get("properties").get(key),
              act.get("properties").get(key),
              path + "." + key,
              out);
        }
      }
    }
    if (exp.has("items")) {
      compare(exp.get("items"), act.get("items"), path + "[]", out);
    }
    if (exp.has("additionalProperties") && exp.get("additionalProperties").isObject()) {
      compare(exp.get("additionalProperties"), act.get("additionalProperties"), path + ".*", out);
    }
  }

  private static Set<String> types(JsonNode schema) {
    Set<String> out = new TreeSet<>();
    JsonNode t = schema.get("type");
    if (t == null) {
      return out;
    }
    if (t.isArray()) {
      t.forEach(n -> out.add(n.asText()));
    } else {
      out.add(t.asText());
    }
    return out;
  }

  private static Set<String> values(JsonNode array) {
    Set<String> out = new TreeSet<>();
    if (array != null) {
      array.forEach(v -> out.add(v.isNull() ? "<null>" : v.asText()));
    }
    return out;
  }

  private static Set<String> keys(JsonNode object) {
    Set<String> out = new LinkedHashSet<>();
    if (object != null) {
      object.fieldNames().forEachRemaining(out::add);
    }
    return new TreeSet<>(out);
  }

  private static ArrayNode array(List<String> values) {
    ArrayNode a = F.arrayNode();
    values.forEach(a::add);
    return a;
  }
}

package dev.kiln.task.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One item of a {@code debusine:task-configuration} collection (its bare data). Either it applies
 * to a task ({@code task_type}, {@code task_name}, optional {@code subject} and {@code context}),
 * named {@code TYPE:NAME:SUBJECT:CONTEXT} (context URL-encoded, absent parts empty), or it is a
 * template ({@code template}), named {@code template:NAME}, that other items pull in with {@code
 * use_templates}.
 *
 * @param taskType the task type (wire name), for a task item
 * @param taskName the task name, for a task item
 * @param subject the subject it applies to, or null for any
 * @param context the configuration context it applies to, or null for any
 * @param template the template name, for a template item
 * @param useTemplates templates applied before this item, in order
 * @param deleteValues keys whose configured default or override earlier items set are dropped
 * @param defaultValues values for keys the task data leaves missing or null
 * @param overrideValues values that replace the task data's
 * @param lockValues keys later (more specific) items cannot touch
 * @param comment free text
 */
public record TaskConfigurationItem(
    String taskType,
    String taskName,
    String subject,
    String context,
    String template,
    List<String> useTemplates,
    List<String> deleteValues,
    ObjectNode defaultValues,
    ObjectNode overrideValues,
    List<String> lockValues,
    String comment) {

  private static final Set<String> KEYS =
      Set.of(
          "task_type",
          "task_name",
          "subject",
          "context",
          "template",
          "use_templates",
          "delete_values",
          "default_values",
          "override_values",
          "lock_values",
          "comment");

  /** Fills absent lists and maps with empty ones; checks it is a task item or a template. */
  public TaskConfigurationItem {
    useTemplates = useTemplates == null ? List.of() : List.copyOf(useTemplates);
    deleteValues = deleteValues == null ? List.of() : List.copyOf(deleteValues);
    lockValues = lockValues == null ? List.of() : List.copyOf(lockValues);
    defaultValues = defaultValues == null ? JsonNodeFactory.instance.objectNode() : defaultValues;
    overrideValues =
        overrideValues == null ? JsonNodeFactory.instance.objectNode() : overrideValues;
    comment = comment == null ? "" : comment;
    if (template == null && (taskType == null || taskName == null)) {
      throw new IllegalArgumentException(
          "a task configuration item needs task_type and task_name, or template");
    }
  }

  /** A template item. */
  public static TaskConfigurationItem template(String name) {
    return new TaskConfigurationItem(
        null, null, null, null, name, null, null, null, null, null, null);
  }

  /** A task item. */
  public static TaskConfigurationItem forTask(
      String taskType, String taskName, String subject, String context) {
    return new TaskConfigurationItem(
        taskType, taskName, subject, context, null, null, null, null, null, null, null);
  }

  /** A copy using these templates. */
  public TaskConfigurationItem withTemplates(String... names) {
    return new TaskConfigurationItem(
        taskType,
        taskName,
        subject,
        context,
        template,
        List.of(names),
        deleteValues,
        defaultValues,
        overrideValues,
        lockValues,
        comment);
  }

  /** A copy with these {@code delete_values}. */
  public TaskConfigurationItem withDeletes(String... keys) {
    return new TaskConfigurationItem(
        taskType,
        taskName,
        subject,
        context,
        template,
        useTemplates,
        List.of(keys),
        defaultValues,
        overrideValues,
        lockValues,
        comment);
  }

  /** A copy with this {@code default_values} entry added. */
  public TaskConfigurationItem withDefault(String key, JsonNode value) {
    ObjectNode d = defaultValues.deepCopy();
    d.set(key, value);
    return new TaskConfigurationItem(
        taskType,
        taskName,
        subject,
        context,
        template,
        useTemplates,
        deleteValues,
        d,
        overrideValues,
        lockValues,
        comment);
  }

  /** A copy with this {@code override_values} entry added. */
  public TaskConfigurationItem withOverride(String key, JsonNode value) {
    ObjectNode o = overrideValues.deepCopy();
    o.set(key, value);
    return new TaskConfigurationItem(
        taskType,
        taskName,
        subject,
        context,
        template,
        useTemplates,
        deleteValues,
        defaultValues,
        o,
        lockValues,
        comment);
  }

  /** A copy with these {@code lock_values}. */
  public TaskConfigurationItem withLocks(String... keys) {
    return new TaskConfigurationItem(
        taskType,
        taskName,
        subject,
        context,
        template,
        useTemplates,
        deleteValues,
        defaultValues,
        overrideValues,
        List.of(keys),
        comment);
  }

  /** The item's name in its collection. */
  public String name() {
    if (template != null) {
      return "template:" + template;
    }
    return taskType
        + ":"
        + taskName
        + ":"
        + (subject == null ? "" : subject)
        + ":"
        + (context == null || context.isEmpty() ? "" : TaskConfiguration.quote(context));
  }

  /**
   * Reads an item from its bare data.
   *
   * @throws TaskConfigurationException when it does not validate
   */
  public static TaskConfigurationItem fromJson(JsonNode data) throws TaskConfigurationException {
    if (data == null || !data.isObject()) {
      throw new TaskConfigurationException("a task configuration item must be a JSON object");
    }
    Iterator<String> names = data.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (!KEYS.contains(key)) {
        throw new TaskConfigurationException(
            "task configuration item: unknown field '" + key + "'");
      }
    }
    try {
      return new TaskConfigurationItem(
          text(data, "task_type"),
          text(data, "task_name"),
          text(data, "subject"),
          text(data, "context"),
          text(data, "template"),
          strings(data, "use_templates"),
          strings(data, "delete_values"),
          object(data, "default_values"),
          object(data, "override_values"),
          strings(data, "lock_values"),
          text(data, "comment"));
    } catch (IllegalArgumentException e) {
      throw new TaskConfigurationException("task configuration item: " + e.getMessage());
    }
  }

  private static String text(JsonNode data, String key) {
    JsonNode v = data.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(key + " must be a string");
    }
    return v.asText();
  }

  private static List<String> strings(JsonNode data, String key) {
    JsonNode v = data.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(key + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode s : v) {
      if (!s.isTextual()) {
        throw new IllegalArgumentException(key + " must be a list of strings");
      }
      out.add(s.asText());
    }
    return out;
  }

  private static ObjectNode object(JsonNode data, String key) {
    JsonNode v = data.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new IllegalArgumentException(key + " must be an object");
    }
    return (ObjectNode) v.deepCopy();
  }
}

package dev.kiln.task.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskType;
import dev.kiln.task.server.SubjectContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies a {@code debusine:task-configuration} collection to task data, as Debusine does:
 *
 * <ol>
 *   <li>Look up the items named, in this order, {@code TYPE:NAME::} (every such task), {@code
 *       TYPE:NAME::CONTEXT} (if there is a context), {@code TYPE:NAME:SUBJECT:} (if there is a
 *       subject), {@code TYPE:NAME:SUBJECT:CONTEXT} (if there are both); the context is
 *       URL-encoded. Missing items are skipped.
 *   <li>Before each item, apply the templates it uses ({@code use_templates}), recursively (a
 *       template's own templates before it); a missing template or a cycle is an error.
 *   <li>Fold the items in that order into configured defaults and overrides: {@code delete_values}
 *       drops keys set by earlier items, {@code default_values} and {@code override_values} set
 *       keys, {@code lock_values} freezes keys so that later (more specific) items cannot touch
 *       them.
 *   <li>Apply to the task data: a default fills a key that is missing or null; an override replaces
 *       the key's value.
 * </ol>
 *
 * <p>Only top-level keys of the task data are configured. The result must still validate against
 * the task's schema; the caller checks it by instantiating the task with it.
 */
public final class TaskConfiguration {

  /** The collection looked up when the task data has no {@code task_configuration}. */
  public static final String DEFAULT_COLLECTION = "default@debusine:task-configuration";

  private TaskConfiguration() {}

  /**
   * The lookup of the configuration collection: the task data's {@code task_configuration}, or
   * {@link #DEFAULT_COLLECTION}. A missing default collection means no configuration; a missing
   * explicit one is an error (the caller decides with {@link #isDefaultCollection}).
   */
  public static JsonNode collectionLookup(JsonNode taskData) {
    JsonNode v = taskData == null ? null : taskData.get("task_configuration");
    if (v == null || v.isNull()) {
      return JsonNodeFactory.instance.textNode(DEFAULT_COLLECTION);
    }
    return v;
  }

  /** Whether the task data leaves {@code task_configuration} to its default. */
  public static boolean isDefaultCollection(JsonNode taskData) {
    JsonNode v = taskData == null ? null : taskData.get("task_configuration");
    return v == null || v.isNull();
  }

  /** The item names looked up for a task, most general first. */
  public static List<String> lookupNames(
      TaskType type, String name, String subject, String context) {
    String prefix = type.wire() + ":" + name + ":";
    boolean hasSubject = subject != null && !subject.isEmpty();
    String encoded = context == null || context.isEmpty() ? "" : quote(context);
    List<String> names = new ArrayList<>();
    names.add(prefix + ":");
    if (!encoded.isEmpty()) {
      names.add(prefix + ":" + encoded);
    }
    if (hasSubject) {
      names.add(prefix + subject + ":");
    }
    if (hasSubject && !encoded.isEmpty()) {
      names.add(prefix + subject + ":" + encoded);
    }
    return names;
  }

  /**
   * The items that apply, in application order: for each name of {@link #lookupNames}, the
   * templates of its item (recursively) and then the item.
   *
   * @throws TaskConfigurationException on a missing template or a template cycle
   */
  public static List<TaskConfigurationItem> items(
      TaskType type, String name, SubjectContext subjectContext, TaskConfigurationSource source)
      throws TaskConfigurationException {
    List<TaskConfigurationItem> out = new ArrayList<>();
    for (String itemName :
        lookupNames(type, name, subjectContext.subject(), subjectContext.context())) {
      Optional<TaskConfigurationItem> item = source.find(itemName);
      if (item.isPresent()) {
        addTemplates(item.get(), item.get(), source, new ArrayDeque<>(), out);
        out.add(item.get());
      }
    }
    return out;
  }

  private static void addTemplates(
      TaskConfigurationItem root,
      TaskConfigurationItem entry,
      TaskConfigurationSource source,
      Deque<String> stack,
      List<TaskConfigurationItem> out)
      throws TaskConfigurationException {
    for (String template : entry.useTemplates()) {
      if (stack.contains(template)) {
        List<String> cycle = new ArrayList<>(stack);
        cycle.add(template);
        throw new TaskConfigurationException(
            root.name() + ": template lookup cycle detected: " + String.join(" → ", cycle));
      }
      TaskConfigurationItem t =
          source
              .find("template:" + template)
              .orElseThrow(
                  () ->
                      new TaskConfigurationException(
                          entry.name() + " references missing template '" + template + "'"));
      stack.addLast(template);
      addTemplates(root, t, source, stack, out);
      stack.removeLast();
      out.add(t);
    }
  }

  /**
   * Applies the configuration to task data.
   *
   * @param taskData the task data as submitted (not modified)
   * @param type the task type
   * @param name the task name
   * @param subjectContext the task's subject and configuration context
   * @param source the configuration collection's items
   * @throws TaskConfigurationException on a missing template or a template cycle
   */
  public static ConfiguredTaskData apply(
      ObjectNode taskData,
      TaskType type,
      String name,
      SubjectContext subjectContext,
      TaskConfigurationSource source)
      throws TaskConfigurationException {
    List<TaskConfigurationItem> items = items(type, name, subjectContext, source);
    Map<String, JsonNode> defaults = new LinkedHashMap<>();
    Map<String, JsonNode> overrides = new LinkedHashMap<>();
    Set<String> locked = new HashSet<>();
    for (TaskConfigurationItem item : items) {
      for (String key : item.deleteValues()) {
        if (!locked.contains(key)) {
          defaults.remove(key);
          overrides.remove(key);
        }
      }
      put(item.defaultValues(), defaults, locked);
      put(item.overrideValues(), overrides, locked);
      locked.addAll(item.lockValues());
    }
    ObjectNode configured = taskData.deepCopy();
    defaults.forEach(
        (k, v) -> {
          JsonNode current = configured.get(k);
          if (current == null || current.isNull()) {
            configured.set(k, v.deepCopy());
          }
        });
    overrides.forEach((k, v) -> configured.set(k, v.deepCopy()));
    return new ConfiguredTaskData(
        taskData.deepCopy(), configured, items.stream().map(TaskConfigurationItem::name).toList());
  }

  private static void put(ObjectNode values, Map<String, JsonNode> into, Set<String> locked) {
    Iterator<Map.Entry<String, JsonNode>> it = values.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!locked.contains(e.getKey())) {
        into.put(e.getKey(), e.getValue());
      }
    }
  }

  /**
   * URL-encodes as Python's {@code urllib.parse.quote} does: every byte of the UTF-8 form except
   * ASCII letters, digits, {@code _.-~} and {@code /} becomes {@code %XX}.
   */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == '-'
              || c == '~'
              || c == '/';
      if (safe) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }
}

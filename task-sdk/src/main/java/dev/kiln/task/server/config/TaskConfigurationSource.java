package dev.kiln.task.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The items of one {@code debusine:task-configuration} collection, by item name. A service
 * implements it over the collection the task data's {@code task_configuration} lookup names (e.g.
 * by loading the collection's items once).
 */
@FunctionalInterface
public interface TaskConfigurationSource {

  /** The item with this name ({@code TYPE:NAME:SUBJECT:CONTEXT} or {@code template:NAME}). */
  Optional<TaskConfigurationItem> find(String itemName);

  /** No configuration (a missing default collection). */
  static TaskConfigurationSource empty() {
    return name -> Optional.empty();
  }

  /**
   * These items, found by their names.
   *
   * @throws IllegalArgumentException when two items have the same name
   */
  static TaskConfigurationSource of(Collection<TaskConfigurationItem> items) {
    Map<String, TaskConfigurationItem> byName = new LinkedHashMap<>();
    for (TaskConfigurationItem item : items) {
      if (byName.put(item.name(), item) != null) {
        throw new IllegalArgumentException("two task configuration items named " + item.name());
      }
    }
    return name -> Optional.ofNullable(byName.get(name));
  }

  /**
   * The items whose bare data these are (as a {@code debusine:task-configuration} collection stores
   * them), found by the names their data gives ({@link TaskConfigurationItem#name()}).
   *
   * @throws TaskConfigurationException when an item does not validate or two share a name
   */
  static TaskConfigurationSource fromItemData(List<JsonNode> data)
      throws TaskConfigurationException {
    List<TaskConfigurationItem> items = new ArrayList<>(data.size());
    for (JsonNode d : data) {
      items.add(TaskConfigurationItem.fromJson(d));
    }
    try {
      return of(items);
    } catch (IllegalArgumentException e) {
      throw new TaskConfigurationException(e.getMessage());
    }
  }
}

package dev.kiln.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The tasks a process knows, found by ({@code task_type}, {@code task_name}). Building a registry
 * rejects two tasks with the same type and name, and a worker task and a server task with the same
 * name (as Debusine does: that is why the server no-op task is called {@code servernoop}).
 *
 * <p>Each task carries a version; a worker advertises the versions it runs as tags {@code
 * task:<type>:<name>:v<version>} ({@link #providedWorkerTags}), and worker, signing and server
 * tasks require that tag, so a worker only gets tasks in a version it runs.
 */
public final class TaskRegistry {

  private final Map<TaskType, Map<String, TaskDefinition<?>>> byType;

  private TaskRegistry(Map<TaskType, Map<String, TaskDefinition<?>>> byType) {
    this.byType = byType;
  }

  /**
   * A registry of these tasks.
   *
   * @throws IllegalArgumentException on a duplicate (type, name), or a name used by both a worker
   *     and a server task
   */
  public static TaskRegistry of(Collection<? extends TaskDefinition<?>> definitions) {
    Map<TaskType, Map<String, TaskDefinition<?>>> byType = new EnumMap<>(TaskType.class);
    for (TaskType t : TaskType.values()) {
      byType.put(t, new LinkedHashMap<>());
    }
    for (TaskDefinition<?> d : definitions) {
      TaskDefinition<?> previous = byType.get(d.type()).putIfAbsent(d.name(), d);
      if (previous != null) {
        throw new IllegalArgumentException(
            "duplicate task " + d.id() + ": " + previous + " and " + d);
      }
    }
    for (String name : byType.get(TaskType.WORKER).keySet()) {
      if (byType.get(TaskType.SERVER).containsKey(name)) {
        throw new IllegalArgumentException(
            "task name '" + name + "' is used by both a worker and a server task");
      }
    }
    Map<TaskType, Map<String, TaskDefinition<?>>> frozen = new EnumMap<>(TaskType.class);
    byType.forEach((t, m) -> frozen.put(t, Collections.unmodifiableMap(m)));
    return new TaskRegistry(frozen);
  }

  /** The task of this type and name, if registered. */
  public Optional<TaskDefinition<?>> find(TaskType type, String name) {
    return Optional.ofNullable(byType.get(type).get(name));
  }

  /** The task of this wire type (e.g. {@code worker}) and name, if registered. */
  public Optional<TaskDefinition<?>> find(String type, String name) {
    return TaskType.fromWire(type).flatMap(t -> find(t, name));
  }

  /** Every task, by type then registration order. */
  public List<TaskDefinition<?>> all() {
    List<TaskDefinition<?>> out = new ArrayList<>();
    byType.values().forEach(m -> out.addAll(m.values()));
    return out;
  }

  /** The tasks of one type, in registration order. */
  public List<TaskDefinition<?>> ofType(TaskType type) {
    return List.copyOf(byType.get(type).values());
  }

  /**
   * Checks a submission: the task must exist and its task data must match its schema.
   *
   * @param type the wire task type
   * @param name the task name
   * @param taskData the submitted task data
   * @return the errors naming {@code task_type}, {@code task_name} or fields under {@code
   *     task_data}; empty when valid
   */
  public List<FieldError> validate(String type, String name, JsonNode taskData) {
    if (type == null || type.isBlank()) {
      return List.of(new FieldError("task_type", "is required"));
    }
    Optional<TaskType> t = TaskType.fromWire(type);
    if (t.isEmpty()) {
      return List.of(
          new FieldError(
              "task_type",
              "must be one of "
                  + EnumSet.allOf(TaskType.class).stream()
                      .map(TaskType::wire)
                      .collect(Collectors.joining(", "))));
    }
    if (name == null || name.isBlank()) {
      return List.of(new FieldError("task_name", "is required"));
    }
    Optional<TaskDefinition<?>> d = find(t.get(), name);
    if (d.isEmpty()) {
      return List.of(new FieldError("task_name", "unknown " + type + " task '" + name + "'"));
    }
    return d.get().validate(taskData);
  }

  /**
   * The tags a worker provides for the tasks of these types it can run: for each, the version tag
   * {@code task:<type>:<name>:v<version>} and what the task's {@code providedWorkerTags} hook adds.
   * All have {@link TagProvenance#WORKER} provenance. The worker agent calls it with {@code
   * WORKER}, the signing agent with {@code SIGNING}, the server-task runner with {@code SERVER}.
   */
  public Set<Tag> providedWorkerTags(WorkerProbe probe, Set<TaskType> types) {
    Set<Tag> tags = new LinkedHashSet<>();
    for (TaskType type : types) {
      for (TaskDefinition<?> d : byType.get(type).values()) {
        tags.add(Tag.worker(d.versionTag()));
        tags.addAll(d.providedWorkerTags(probe));
      }
    }
    return tags;
  }
}

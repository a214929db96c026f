package dev.kiln.agent.task;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tasks this agent can run, by (task_type, task_name). */
public final class TaskRegistry {

  private final Map<String, WorkerTask> tasks = new LinkedHashMap<>();

  public TaskRegistry(List<WorkerTask> tasks) {
    for (WorkerTask task : tasks) {
      String key = key(task.taskType(), task.taskName());
      if (this.tasks.putIfAbsent(key, task) != null) {
        throw new IllegalArgumentException("task " + key + " is registered twice");
      }
    }
  }

  public static TaskRegistry builtIn() {
    return new TaskRegistry(List.of(new NoopTask()));
  }

  public Optional<WorkerTask> find(String taskType, String taskName) {
    return Optional.ofNullable(tasks.get(key(taskType, taskName)));
  }

  public Collection<WorkerTask> all() {
    return tasks.values();
  }

  private static String key(String type, String name) {
    return type + "/" + name;
  }
}

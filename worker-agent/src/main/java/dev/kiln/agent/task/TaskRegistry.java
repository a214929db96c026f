package dev.kiln.agent.task;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tasks this agent can run, by (task_type, task_name). */
public final class TaskRegistry {

  private final Map<Key, WorkerTask> tasks = new LinkedHashMap<>();

  private record Key(String taskType, String taskName) {}

  public TaskRegistry(List<? extends WorkerTask> tasks) {
    for (WorkerTask task : tasks) {
      Key key = new Key(task.taskType(), task.taskName());
      if (this.tasks.putIfAbsent(key, task) != null) {
        throw new IllegalArgumentException(
            "task " + key.taskType() + "/" + key.taskName() + " is registered twice");
      }
    }
  }

  /** The tasks built into this agent. */
  public static TaskRegistry builtIn() {
    return new TaskRegistry(List.of(new NoopTask()));
  }

  public Optional<WorkerTask> find(String taskType, String taskName) {
    return Optional.ofNullable(tasks.get(new Key(taskType, taskName)));
  }

  public Collection<WorkerTask> all() {
    return Collections.unmodifiableCollection(tasks.values());
  }
}

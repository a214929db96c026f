package dev.kiln.task.external;

import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.model.Backend;

/**
 * Task data of a task that runs inside an executor backend on an environment image (the record's
 * components {@code environment} and {@code backend} implement it).
 */
public interface ExecutorTaskData extends TaskData {

  /** The environment lookup, or null when the task runs directly on the worker. */
  LookupSingle environment();

  /** The backend, or null for {@code auto}. */
  Backend backend();
}

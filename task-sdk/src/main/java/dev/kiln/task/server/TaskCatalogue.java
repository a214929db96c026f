package dev.kiln.task.server;

import dev.kiln.task.TaskDefinition;
import dev.kiln.task.TaskRegistry;
import dev.kiln.task.external.ExternalTaskCatalogue;
import dev.kiln.task.server.internal.SynchronizationPointTask;
import dev.kiln.task.server.internal.WorkflowCallbackTask;
import dev.kiln.task.server.tasks.AptMirrorTask;
import dev.kiln.task.server.tasks.CopyCollectionItemsTask;
import dev.kiln.task.server.tasks.GenerateSuiteIndexesTask;
import dev.kiln.task.server.tasks.PackageUploadTask;
import dev.kiln.task.server.tasks.ServerNoopTask;
import dev.kiln.task.server.wait.DelayTask;
import dev.kiln.task.server.wait.ExternalDebsignTask;
import java.util.ArrayList;
import java.util.List;

/** Every task Kiln knows: the external catalogue plus the server, wait and internal tasks. */
public final class TaskCatalogue {

  private TaskCatalogue() {}

  /** The server-side tasks (server, wait, internal). */
  public static List<DbTaskDefinition<?>> dbTasks() {
    return List.of(
        ServerNoopTask.DEFINITION,
        CopyCollectionItemsTask.DEFINITION,
        PackageUploadTask.DEFINITION,
        AptMirrorTask.DEFINITION,
        GenerateSuiteIndexesTask.DEFINITION,
        DelayTask.DEFINITION,
        ExternalDebsignTask.DEFINITION,
        SynchronizationPointTask.DEFINITION,
        WorkflowCallbackTask.DEFINITION);
  }

  /** Every task definition. */
  public static List<TaskDefinition<?>> definitions() {
    List<TaskDefinition<?>> all = new ArrayList<>(ExternalTaskCatalogue.definitions());
    all.addAll(dbTasks());
    return List.copyOf(all);
  }

  /** A registry of every task (what the services use). */
  public static TaskRegistry registry() {
    return TaskRegistry.of(definitions());
  }
}

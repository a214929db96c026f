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
import dev.kiln.task.server.wait.ConfirmTask;
import dev.kiln.task.server.wait.DelayTask;
import dev.kiln.task.server.wait.ExternalDebsignTask;
import dev.kiln.task.server.workflow.AutopkgtestWorkflow;
import dev.kiln.task.server.workflow.BlhcWorkflow;
import dev.kiln.task.server.workflow.DebdiffWorkflow;
import dev.kiln.task.server.workflow.DebianPipelineWorkflow;
import dev.kiln.task.server.workflow.LintianWorkflow;
import dev.kiln.task.server.workflow.MakeSignedSourceWorkflow;
import dev.kiln.task.server.workflow.NoopWorkflow;
import dev.kiln.task.server.workflow.PackageUploadWorkflow;
import dev.kiln.task.server.workflow.PiupartsWorkflow;
import dev.kiln.task.server.workflow.QaWorkflow;
import dev.kiln.task.server.workflow.SbuildWorkflow;
import dev.kiln.task.server.workflow.UpdateEnvironmentsWorkflow;
import java.util.ArrayList;
import java.util.List;

/**
 * Every task Kiln knows: the external catalogue plus the server, wait, internal and workflow tasks.
 */
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
        ConfirmTask.DEFINITION,
        SynchronizationPointTask.DEFINITION,
        WorkflowCallbackTask.DEFINITION);
  }

  /** The workflows of the Debian catalogue (their orchestrators are in the workflow service). */
  public static List<DbTaskDefinition<?>> workflowTasks() {
    return List.of(
        NoopWorkflow.DEFINITION,
        SbuildWorkflow.DEFINITION,
        LintianWorkflow.DEFINITION,
        AutopkgtestWorkflow.DEFINITION,
        PiupartsWorkflow.DEFINITION,
        BlhcWorkflow.DEFINITION,
        DebdiffWorkflow.DEFINITION,
        QaWorkflow.DEFINITION,
        MakeSignedSourceWorkflow.DEFINITION,
        PackageUploadWorkflow.DEFINITION,
        UpdateEnvironmentsWorkflow.DEFINITION,
        DebianPipelineWorkflow.DEFINITION);
  }

  /** Every task definition. */
  public static List<TaskDefinition<?>> definitions() {
    List<TaskDefinition<?>> all = new ArrayList<>(ExternalTaskCatalogue.definitions());
    all.addAll(dbTasks());
    all.addAll(workflowTasks());
    return List.copyOf(all);
  }

  /** A registry of every task (what the services use). */
  public static TaskRegistry registry() {
    return TaskRegistry.of(definitions());
  }
}

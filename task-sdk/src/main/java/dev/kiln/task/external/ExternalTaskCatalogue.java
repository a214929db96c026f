package dev.kiln.task.external;

import dev.kiln.task.TaskRegistry;
import dev.kiln.task.external.signing.DebsignTask;
import dev.kiln.task.external.signing.GenerateKeyTask;
import dev.kiln.task.external.signing.SignRepositoryIndexTask;
import dev.kiln.task.external.signing.SignTask;
import dev.kiln.task.external.signing.SigningNoopTask;
import dev.kiln.task.external.worker.AssembleSignedSourceTask;
import dev.kiln.task.external.worker.AutopkgtestTask;
import dev.kiln.task.external.worker.BlhcTask;
import dev.kiln.task.external.worker.DebdiffTask;
import dev.kiln.task.external.worker.ExtractForSigningTask;
import dev.kiln.task.external.worker.LintianTask;
import dev.kiln.task.external.worker.MakeSourcePackageUploadTask;
import dev.kiln.task.external.worker.MergeUploadsTask;
import dev.kiln.task.external.worker.MmdebstrapTask;
import dev.kiln.task.external.worker.NoopTask;
import dev.kiln.task.external.worker.PiupartsTask;
import dev.kiln.task.external.worker.SbuildTask;
import dev.kiln.task.external.worker.SimpleSystemImageBuildTask;
import java.util.List;
import java.util.stream.Stream;

/**
 * The worker and signing tasks Kiln knows. Agents build their registry from it ({@link
 * #registry()}); the server's catalogue adds the server-side tasks.
 */
public final class ExternalTaskCatalogue {

  private ExternalTaskCatalogue() {}

  /** The worker tasks. */
  public static List<ExternalTaskDefinition<?>> workerTasks() {
    return List.of(
        NoopTask.DEFINITION,
        SbuildTask.DEFINITION,
        LintianTask.DEFINITION,
        AutopkgtestTask.DEFINITION,
        PiupartsTask.DEFINITION,
        BlhcTask.DEFINITION,
        DebdiffTask.DEFINITION,
        MmdebstrapTask.DEFINITION,
        SimpleSystemImageBuildTask.DEFINITION,
        ExtractForSigningTask.DEFINITION,
        AssembleSignedSourceTask.DEFINITION,
        MakeSourcePackageUploadTask.DEFINITION,
        MergeUploadsTask.DEFINITION);
  }

  /** The signing tasks. */
  public static List<ExternalTaskDefinition<?>> signingTasks() {
    return List.of(
        SigningNoopTask.DEFINITION,
        SignTask.DEFINITION,
        DebsignTask.DEFINITION,
        SignRepositoryIndexTask.DEFINITION,
        GenerateKeyTask.DEFINITION);
  }

  /** Worker and signing tasks. */
  public static List<ExternalTaskDefinition<?>> definitions() {
    return Stream.concat(workerTasks().stream(), signingTasks().stream()).toList();
  }

  /** A registry of the worker and signing tasks (what the agents use). */
  public static TaskRegistry registry() {
    return TaskRegistry.of(definitions());
  }
}

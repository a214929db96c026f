package dev.kiln.workflow.domain.catalogue;

import dev.kiln.task.server.TaskCatalogue;
import dev.kiln.workflow.domain.orchestration.Orchestration;
import dev.kiln.workflow.domain.orchestration.Orchestrator;
import java.util.List;

/**
 * The orchestrators of the Debian workflow catalogue, one per workflow of {@link
 * TaskCatalogue#workflowTasks()}.
 */
public final class WorkflowCatalogue {

  private WorkflowCatalogue() {}

  /** Every orchestrator. */
  public static List<Orchestrator<?>> orchestrators() {
    return List.of(
        new NoopOrchestrator(),
        new SbuildOrchestrator(),
        new LintianOrchestrator(),
        new AutopkgtestOrchestrator(),
        new PiupartsOrchestrator(),
        new BlhcOrchestrator(),
        new DebdiffOrchestrator(),
        new QaOrchestrator(),
        new MakeSignedSourceOrchestrator(),
        new PackageUploadOrchestrator(),
        new UpdateEnvironmentsOrchestrator(),
        new DebianPipelineOrchestrator());
  }

  /** The engine over the whole task catalogue and these orchestrators. */
  public static Orchestration orchestration() {
    return new Orchestration(TaskCatalogue.registry(), orchestrators());
  }
}

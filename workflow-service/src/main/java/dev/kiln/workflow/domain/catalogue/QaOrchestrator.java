package dev.kiln.workflow.domain.catalogue;

import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.workflow.AutopkgtestWorkflow;
import dev.kiln.task.server.workflow.BlhcWorkflow;
import dev.kiln.task.server.workflow.DebdiffWorkflow;
import dev.kiln.task.server.workflow.LintianWorkflow;
import dev.kiln.task.server.workflow.PiupartsWorkflow;
import dev.kiln.task.server.workflow.QaWorkflow;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.OrchestrationException;
import dev.kiln.workflow.domain.orchestration.Orchestrator;

/**
 * {@code qa}: the sub-workflows {@code lintian}, {@code autopkgtest} and {@code piuparts} (each on
 * by default), {@code blhc} on the build logs and {@code debdiff} against the original (each on
 * request), all on the same build results; each child waits for the build results it reads.
 */
public final class QaOrchestrator implements Orchestrator<QaWorkflow.Data> {

  @Override
  public DbTaskDefinition<QaWorkflow.Data> definition() {
    return QaWorkflow.DEFINITION;
  }

  @Override
  public void populate(Layout<QaWorkflow.Data> layout) {
    QaWorkflow.Data d = layout.data();
    if (Layouts.enabled(d.enableLintian(), true)) {
      layout
          .subWorkflow(
              "lintian",
              LintianWorkflow.DEFINITION,
              new LintianWorkflow.Data(
                  d.sourceArtifact(),
                  d.binaryArtifacts(),
                  d.vendor(),
                  d.codename(),
                  d.backend(),
                  d.architectures(),
                  null,
                  d.prefix()))
          .displayName("lintian");
    }
    if (Layouts.enabled(d.enableAutopkgtest(), true)) {
      layout
          .subWorkflow(
              "autopkgtest",
              AutopkgtestWorkflow.DEFINITION,
              new AutopkgtestWorkflow.Data(
                  d.sourceArtifact(),
                  d.binaryArtifacts(),
                  null,
                  d.vendor(),
                  d.codename(),
                  d.backend(),
                  d.architectures(),
                  d.archAllHostArchitecture(),
                  null,
                  d.prefix()))
          .displayName("autopkgtest");
    }
    if (Layouts.enabled(d.enablePiuparts(), true)) {
      layout
          .subWorkflow(
              "piuparts",
              PiupartsWorkflow.DEFINITION,
              new PiupartsWorkflow.Data(
                  d.binaryArtifacts(),
                  d.vendor(),
                  d.codename(),
                  d.backend(),
                  d.architectures(),
                  d.archAllHostArchitecture(),
                  d.prefix()))
          .displayName("piuparts");
    }
    if (Layouts.enabled(d.enableBlhc(), false)) {
      if (d.buildLogs() == null) {
        throw new OrchestrationException("enable_blhc needs build_logs");
      }
      layout
          .subWorkflow("blhc", BlhcWorkflow.DEFINITION, new BlhcWorkflow.Data(d.buildLogs(), null))
          .displayName("blhc");
    }
    if (Layouts.enabled(d.enableDebdiff(), false)) {
      if (d.originalSourceArtifact() == null) {
        throw new OrchestrationException("enable_debdiff needs original_source_artifact");
      }
      layout
          .subWorkflow(
              "debdiff",
              DebdiffWorkflow.DEFINITION,
              new DebdiffWorkflow.Data(
                  d.sourceArtifact(),
                  d.originalSourceArtifact(),
                  d.binaryArtifacts(),
                  d.originalBinaryArtifacts(),
                  d.vendor(),
                  d.codename(),
                  d.backend(),
                  d.architectures()))
          .displayName("debdiff");
    }
  }
}

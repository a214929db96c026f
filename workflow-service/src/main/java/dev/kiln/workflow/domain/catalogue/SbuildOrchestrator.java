package dev.kiln.workflow.domain.catalogue;

import static dev.kiln.workflow.domain.catalogue.Layouts.ALL;

import dev.kiln.task.external.worker.SbuildTask;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.workflow.SbuildWorkflow;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.OrchestrationException;
import dev.kiln.workflow.domain.orchestration.Orchestrator;
import java.util.List;
import java.util.Map;

/**
 * {@code sbuild}: per architecture a {@code worker/sbuild} (step {@code build-<arch>}) building
 * {@code any} in {@code <vendor>/match:codename=<codename>}; {@code all} is built once, on {@code
 * arch_all_host_architecture}. Each promises {@code <prefix>build-<arch>} ({@code debian:upload})
 * and {@code <prefix>buildlog-<arch>} ({@code debian:package-build-log}), with the architecture in
 * the promise data so that QA workflows can lay out by it.
 */
public final class SbuildOrchestrator implements Orchestrator<SbuildWorkflow.Data> {

  @Override
  public DbTaskDefinition<SbuildWorkflow.Data> definition() {
    return SbuildWorkflow.DEFINITION;
  }

  @Override
  public void populate(Layout<SbuildWorkflow.Data> layout) {
    SbuildWorkflow.Data d = layout.data();
    String[] distribution = d.targetDistribution().split(":", -1);
    if (distribution.length != 2 || distribution[0].isBlank() || distribution[1].isBlank()) {
      throw new OrchestrationException(
          "target_distribution must be <vendor>:<codename>: " + d.targetDistribution());
    }
    String prefix = Layouts.prefix(d.prefix());
    for (String arch : Layouts.sorted(d.architectures())) {
      boolean all = ALL.equals(arch);
      SbuildTask.Data build =
          new SbuildTask.Data(
              new SbuildTask.Input(d.input().sourceArtifact(), null),
              all ? Layouts.archAllHost(d.archAllHostArchitecture()) : arch,
              Layouts.environment(distribution[0], distribution[1], d.environmentVariant()),
              d.backend(),
              List.of(all ? SbuildTask.BuildComponent.ALL : SbuildTask.BuildComponent.ANY),
              null,
              d.buildProfiles(),
              d.extraRepositories(),
              null,
              null,
              null);
      layout
          .child("build-" + arch, SbuildTask.DEFINITION, build)
          .displayName("Build " + arch)
          .step("build-" + arch)
          .requires(d.input().sourceArtifact())
          .provides(prefix + "build-" + arch, "debian:upload", Map.of("architecture", arch))
          .provides(
              prefix + "buildlog-" + arch,
              "debian:package-build-log",
              Map.of("architecture", arch));
    }
  }
}

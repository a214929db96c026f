package dev.kiln.workflow.domain.catalogue;

import static dev.kiln.workflow.domain.catalogue.Layouts.ALL;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.external.worker.LintianTask;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.workflow.LintianWorkflow;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.Orchestrator;
import java.util.List;
import java.util.Map;

/**
 * {@code lintian}: per architecture of the binaries a {@code worker/lintian} of those binaries (the
 * {@code all} group analyses architecture-independent packages, the others {@code any}); the source
 * is analysed once, with the first group (alone when there are no binaries). Each promises {@code
 * <prefix>lintian-<arch>} ({@code debian:lintian}).
 */
public final class LintianOrchestrator implements Orchestrator<LintianWorkflow.Data> {

  @Override
  public DbTaskDefinition<LintianWorkflow.Data> definition() {
    return LintianWorkflow.DEFINITION;
  }

  @Override
  public void populate(Layout<LintianWorkflow.Data> layout) {
    LintianWorkflow.Data d = layout.data();
    Map<String, List<JsonNode>> groups =
        Layouts.byArchitecture(layout, d.binaryArtifacts(), d.architectures());
    if (groups.isEmpty()) {
      check(layout, "source", null, true);
      return;
    }
    boolean first = true;
    for (Map.Entry<String, List<JsonNode>> g : groups.entrySet()) {
      check(layout, g.getKey(), g.getValue(), first);
      first = false;
    }
  }

  private static void check(
      Layout<LintianWorkflow.Data> layout, String arch, List<JsonNode> binaries, boolean source) {
    LintianWorkflow.Data d = layout.data();
    boolean all = ALL.equals(arch);
    LintianTask.Data task =
        new LintianTask.Data(
            new LintianTask.Input(
                d.sourceArtifact(), binaries == null ? null : Layouts.multiple(binaries)),
            new LintianTask.Output(source, binaries != null && all, binaries != null && !all),
            null,
            null,
            null,
            d.failOnSeverity(),
            Layouts.environment(d.vendor(), d.codename(), null),
            d.backend(),
            null);
    Layout.Child child =
        layout
            .child("lintian-" + arch, LintianTask.DEFINITION, task)
            .displayName("Lintian " + arch)
            .step("lintian-" + arch)
            .requires(d.sourceArtifact())
            .provides(
                Layouts.prefix(d.prefix()) + "lintian-" + arch,
                "debian:lintian",
                Map.of("architecture", arch));
    if (binaries != null) {
      child.requires(Layouts.multiple(binaries));
    }
  }
}

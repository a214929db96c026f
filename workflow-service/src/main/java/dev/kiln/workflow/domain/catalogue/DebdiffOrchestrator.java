package dev.kiln.workflow.domain.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.external.worker.DebdiffTask;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.workflow.DebdiffWorkflow;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.Orchestrator;
import java.util.List;
import java.util.Map;

/**
 * {@code debdiff}: a {@code worker/debdiff} of the original and the new source; and, when both
 * binary sets are given, one per architecture present on both sides (the first original and the
 * first new binary of that architecture).
 */
public final class DebdiffOrchestrator implements Orchestrator<DebdiffWorkflow.Data> {

  @Override
  public DbTaskDefinition<DebdiffWorkflow.Data> definition() {
    return DebdiffWorkflow.DEFINITION;
  }

  @Override
  public void populate(Layout<DebdiffWorkflow.Data> layout) {
    DebdiffWorkflow.Data d = layout.data();
    LookupSingle environment = Layouts.environment(d.vendor(), d.codename(), null);
    List<JsonNode> sources = List.of(d.originalSourceArtifact().json(), d.sourceArtifact().json());
    layout
        .child(
            "debdiff-source",
            DebdiffTask.DEFINITION,
            new DebdiffTask.Data(
                new DebdiffTask.Input(Layouts.multiple(sources), null),
                null,
                null,
                environment,
                d.backend(),
                null))
        .displayName("debdiff source")
        .step("debdiff-source")
        .requires(d.originalSourceArtifact())
        .requires(d.sourceArtifact());
    if (d.binaryArtifacts() == null || d.originalBinaryArtifacts() == null) {
      return;
    }
    Map<String, List<JsonNode>> original =
        Layouts.byArchitecture(layout, d.originalBinaryArtifacts(), d.architectures());
    Map<String, List<JsonNode>> fresh =
        Layouts.byArchitecture(layout, d.binaryArtifacts(), d.architectures());
    for (Map.Entry<String, List<JsonNode>> g : fresh.entrySet()) {
      String arch = g.getKey();
      if (!original.containsKey(arch)) {
        continue;
      }
      List<JsonNode> pair = List.of(original.get(arch).get(0), g.getValue().get(0));
      layout
          .child(
              "debdiff-" + arch,
              DebdiffTask.DEFINITION,
              new DebdiffTask.Data(
                  new DebdiffTask.Input(null, Layouts.multiple(pair)),
                  null,
                  Layouts.ALL.equals(arch) ? null : arch,
                  environment,
                  d.backend(),
                  null))
          .displayName("debdiff " + arch)
          .step("debdiff-" + arch)
          .requires(Layouts.multiple(pair));
    }
  }
}

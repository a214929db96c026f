package dev.kiln.workflow.domain.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.external.worker.PiupartsTask;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.workflow.PiupartsWorkflow;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.Orchestrator;
import java.util.List;
import java.util.Map;

/**
 * {@code piuparts}: per architecture of the binaries (other than {@code all}) a {@code
 * worker/piuparts} of that architecture's binaries plus the {@code all} ones, in and from the
 * codename's environment; with only {@code all} binaries, one run on {@code
 * arch_all_host_architecture}.
 */
public final class PiupartsOrchestrator implements Orchestrator<PiupartsWorkflow.Data> {

  @Override
  public DbTaskDefinition<PiupartsWorkflow.Data> definition() {
    return PiupartsWorkflow.DEFINITION;
  }

  @Override
  public void populate(Layout<PiupartsWorkflow.Data> layout) {
    PiupartsWorkflow.Data d = layout.data();
    Map<String, List<JsonNode>> runs =
        Layouts.testRuns(
            layout, d.binaryArtifacts(), d.architectures(), d.archAllHostArchitecture());
    LookupSingle environment = Layouts.environment(d.vendor(), d.codename(), null);
    runs.forEach(
        (arch, binaries) ->
            layout
                .child(
                    "piuparts-" + arch,
                    PiupartsTask.DEFINITION,
                    new PiupartsTask.Data(
                        new PiupartsTask.Input(Layouts.multiple(binaries)),
                        arch,
                        environment,
                        environment,
                        d.backend(),
                        null,
                        null))
                .displayName("piuparts " + arch)
                .step("piuparts-" + arch)
                .requires(Layouts.multiple(binaries)));
  }
}

package dev.kiln.workflow.domain.catalogue;

import dev.kiln.task.external.worker.BlhcTask;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.workflow.BlhcWorkflow;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.Orchestrator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code blhc}: one {@code worker/blhc} per build log, keyed {@code blhc-<arch>} by the log's
 * architecture when it is known and unique, else {@code blhc-<position>}.
 */
public final class BlhcOrchestrator implements Orchestrator<BlhcWorkflow.Data> {

  @Override
  public DbTaskDefinition<BlhcWorkflow.Data> definition() {
    return BlhcWorkflow.DEFINITION;
  }

  @Override
  public void populate(Layout<BlhcWorkflow.Data> layout) {
    List<Layout.Resolved> logs = layout.resolveAll(layout.data().buildLogs());
    Set<String> used = new HashSet<>();
    for (int i = 0; i < logs.size(); i++) {
      Layout.Resolved log = logs.get(i);
      String name = log.architecture().orElse(String.valueOf(i));
      if (!used.add(name)) {
        name = name + "-" + i;
        used.add(name);
      }
      LookupSingle lookup = LookupSingle.fromJson(log.lookup());
      layout
          .child(
              "blhc-" + name,
              BlhcTask.DEFINITION,
              new BlhcTask.Data(
                  new BlhcTask.Input(lookup), layout.data().extraFlags(), null, null, null))
          .displayName("blhc " + name)
          .step("blhc-" + name)
          .requires(lookup);
    }
  }
}

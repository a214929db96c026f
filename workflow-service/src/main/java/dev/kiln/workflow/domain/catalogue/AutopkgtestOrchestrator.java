package dev.kiln.workflow.domain.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskJson;
import dev.kiln.task.external.worker.AutopkgtestTask;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.workflow.AutopkgtestWorkflow;
import dev.kiln.workflow.domain.orchestration.ChildState;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.OrchestrationException;
import dev.kiln.workflow.domain.orchestration.Orchestrator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code autopkgtest}: per architecture of the binaries (other than {@code all}) a {@code
 * worker/autopkgtest} of that architecture's binaries plus the {@code all} ones; with only {@code
 * all} binaries, one run on {@code arch_all_host_architecture}. Each promises {@code
 * <prefix>autopkgtest-<arch>} ({@code debian:autopkgtest}).
 *
 * <p>With {@code enable_regression_tracking}, the tests are allowed to fail and an invisible
 * callback per architecture (step {@code regression-analysis-<arch>}) runs once the test ended and
 * records its outcome as {@code <prefix>regression-<arch>} ({@code debian:qa-result}) in the
 * internal collection.
 */
public final class AutopkgtestOrchestrator implements Orchestrator<AutopkgtestWorkflow.Data> {

  static final String REGRESSION_STEP = "regression-analysis-";

  @Override
  public DbTaskDefinition<AutopkgtestWorkflow.Data> definition() {
    return AutopkgtestWorkflow.DEFINITION;
  }

  @Override
  public void populate(Layout<AutopkgtestWorkflow.Data> layout) {
    AutopkgtestWorkflow.Data d = layout.data();
    boolean tracking = Layouts.enabled(d.enableRegressionTracking(), false);
    for (Map.Entry<String, List<JsonNode>> run :
        Layouts.testRuns(
                layout, d.binaryArtifacts(), d.architectures(), d.archAllHostArchitecture())
            .entrySet()) {
      String arch = run.getKey();
      AutopkgtestTask.Data task =
          new AutopkgtestTask.Data(
              new AutopkgtestTask.Input(
                  d.sourceArtifact(), Layouts.multiple(run.getValue()), d.contextArtifacts()),
              arch,
              Layouts.environment(d.vendor(), d.codename(), null),
              d.backend(),
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null);
      Layout.Child test =
          layout
              .child("autopkgtest-" + arch, AutopkgtestTask.DEFINITION, task)
              .displayName("autopkgtest " + arch)
              .step("autopkgtest-" + arch)
              .requires(d.sourceArtifact())
              .requires(Layouts.multiple(run.getValue()))
              .requires(d.contextArtifacts())
              .provides(
                  Layouts.prefix(d.prefix()) + "autopkgtest-" + arch,
                  "debian:autopkgtest",
                  Map.of("architecture", arch));
      if (tracking) {
        test.allowFailure(true);
        layout
            .callback("regression-analysis-" + arch, REGRESSION_STEP + arch)
            .displayName("Regression analysis " + arch)
            .invisible()
            .dependsOn(test);
      }
    }
  }

  @Override
  public void callback(String step, Layout<AutopkgtestWorkflow.Data> layout) {
    if (!step.startsWith(REGRESSION_STEP)) {
      Orchestrator.super.callback(step, layout);
      return;
    }
    String arch = step.substring(REGRESSION_STEP.length());
    ChildState test =
        layout
            .existing("autopkgtest-" + arch)
            .orElseThrow(() -> new OrchestrationException("no autopkgtest for " + arch));
    ObjectNode result = TaskJson.mapper().createObjectNode();
    result.put("task_name", "autopkgtest");
    result.put("architecture", arch);
    result.put("work_request_id", test.workRequestId());
    result.put(
        "result",
        test.result() == null
            ? test.status().name().toLowerCase(Locale.ROOT)
            : test.result().name().toLowerCase(Locale.ROOT));
    layout.bareItem(
        Layouts.prefix(layout.data().prefix()) + "regression-" + arch, "debian:qa-result", result);
  }
}

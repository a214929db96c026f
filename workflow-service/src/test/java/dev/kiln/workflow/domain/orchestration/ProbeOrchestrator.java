package dev.kiln.workflow.domain.orchestration;

import dev.kiln.task.TaskData;
import dev.kiln.task.TaskDefinition;
import dev.kiln.task.TaskJson;
import dev.kiln.task.TaskRegistry;
import dev.kiln.task.external.worker.LintianTask;
import dev.kiln.task.external.worker.NoopTask;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.TaskCatalogue;
import dev.kiln.task.server.workflow.WorkflowTask;
import dev.kiln.workflow.domain.catalogue.WorkflowCatalogue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A test workflow whose {@code mode} picks a layout that exercises one part of the model. */
public final class ProbeOrchestrator implements Orchestrator<ProbeOrchestrator.Data> {

  /** Task data: what to lay out, and how many. */
  public record Data(String mode, Integer size) implements TaskData {}

  /** The test workflow {@code workflow/probe}. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.workflow("probe", 1, Data.class, WorkflowTask::new)
          .schemaResource("/orchestration-test/probe.schema.json")
          .build();

  /** The catalogue's tasks plus the probe. */
  public static TaskRegistry registry() {
    List<TaskDefinition<?>> all = new ArrayList<>(TaskCatalogue.definitions());
    all.add(DEFINITION);
    return TaskRegistry.of(all);
  }

  /** The engine with the catalogue's orchestrators plus the probe. */
  public static Orchestration orchestration() {
    List<Orchestrator<?>> all = new ArrayList<>(WorkflowCatalogue.orchestrators());
    all.add(new ProbeOrchestrator());
    return new Orchestration(registry(), all);
  }

  @Override
  public DbTaskDefinition<Data> definition() {
    return DEFINITION;
  }

  @Override
  public void populate(Layout<Data> layout) {
    int size = layout.data().size() == null ? 3 : layout.data().size();
    switch (layout.data().mode()) {
      case "fanout" -> fanOut(layout, size);
      case "cycle" -> {
        Layout.Child a = noop(layout, "a");
        Layout.Child b = noop(layout, "b").dependsOn(a);
        a.dependsOn(b);
      }
      case "invalid" ->
          layout.child(
              "lint",
              LintianTask.DEFINITION,
              new LintianTask.Data(
                  new LintianTask.Input(null, null),
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null));
      case "missing" -> noop(layout, "reader").requires("internal@collections/name:nope");
      case "promise" -> {
        noop(layout, "producer")
            .provides("thing", "debian:upload", Map.of("architecture", "amd64"));
        noop(layout, "consumer").requires("internal@collections/name:thing");
      }
      case "allow-failure" -> {
        Layout.Child flaky = noop(layout, "flaky").allowFailure(true);
        noop(layout, "after").dependsOn(flaky);
      }
      case "callback" -> {
        Layout.Child first = noop(layout, "first");
        layout.callback("note", "note").dependsOn(first);
      }
      case "sub" -> {
        Layout.Child inner =
            layout
                .subWorkflow(
                    "inner",
                    DEFINITION,
                    new Data("fanout", layout.data().size() == null ? 2 : layout.data().size()))
                .displayName("Inner");
        Layout.Child before = noop(layout, "before");
        inner.dependsOn(before);
        noop(layout, "after").dependsOn(inner);
      }
      case "nested-callback" -> layout.subWorkflow("inner", DEFINITION, new Data("callback", null));
      default -> throw new OrchestrationException("unknown mode " + layout.data().mode());
    }
  }

  private static void fanOut(Layout<Data> layout, int size) {
    Layout.Child out = layout.syncPoint("fan-out").displayName("Fan out");
    Layout.Child in = layout.syncPoint("fan-in").displayName("Fan in");
    for (int i = 0; i < size; i++) {
      Layout.Child c = noop(layout, "task-" + i).group("g" + (i % 10)).dependsOn(out);
      in.dependsOn(c);
    }
  }

  private static Layout.Child noop(Layout<Data> layout, String key) {
    return layout
        .child(key, NoopTask.DEFINITION, new NoopTask.Data(true))
        .displayName("No-op " + key)
        .step(key);
  }

  @Override
  public void callback(String step, Layout<Data> layout) {
    if (!step.equals("note")) {
      Orchestrator.super.callback(step, layout);
      return;
    }
    ChildState first = layout.existing("first").orElseThrow();
    layout.bareItem(
        "note", "debusine:test", TaskJson.toObject(Map.of("first_result", first.result().name())));
    noop(layout, "after-note").dependsOnKey(layout.key("first"));
  }
}

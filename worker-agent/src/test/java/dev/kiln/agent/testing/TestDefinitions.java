package dev.kiln.agent.testing;

import dev.kiln.task.TaskDefinition;
import dev.kiln.task.TaskRegistry;
import dev.kiln.task.external.ExternalTaskCatalogue;
import java.util.ArrayList;
import java.util.List;

/** SDK registries for agent tests that run test-only tasks beside the catalogue's. */
public final class TestDefinitions {

  private TestDefinitions() {}

  /** The SDK's external task catalogue and these test-only definitions. */
  public static TaskRegistry catalogueWith(TaskDefinition<?>... extra) {
    List<TaskDefinition<?>> all = new ArrayList<>(ExternalTaskCatalogue.definitions());
    all.addAll(List.of(extra));
    return TaskRegistry.of(all);
  }
}

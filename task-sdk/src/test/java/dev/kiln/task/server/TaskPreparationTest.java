package dev.kiln.task.server;

import static dev.kiln.task.TestData.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kiln.task.Tag;
import dev.kiln.task.TaskDataException;
import dev.kiln.task.TaskType;
import dev.kiln.task.external.worker.SbuildTask;
import dev.kiln.task.server.config.TaskConfigurationException;
import dev.kiln.task.server.config.TaskConfigurationItem;
import dev.kiln.task.server.config.TaskConfigurationSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the scheduler runs when a work request becomes pending. */
class TaskPreparationTest {

  private final FakeLookupResolver lookups =
      new FakeLookupResolver()
          .artifact("12@artifacts", 12, "debian:source-package", "name", "hello")
          .artifact(
              InputFieldResolutionTest.ENV, 7, "debian:system-tarball", "codename", "bookworm")
          .artifact(
              "debian/match:codename=bookworm:architecture=amd64:format=image",
              8,
              "debian:system-image",
              "codename",
              "bookworm");
  private final DbTaskContext context = new DbTaskContext("main", null, lookups, "amd64");
  private final TaskPreparation preparation = new TaskPreparation(TaskCatalogue.registry());

  @Test
  void configuresBySubjectAndContextThenComputesDynamicDataAndTags() throws Exception {
    TaskConfigurationSource config =
        TaskConfigurationSource.of(
            List.of(
                TaskConfigurationItem.forTask("worker", "sbuild", "hello", "bookworm")
                    .withOverride("backend", TextNode.valueOf("incus-vm"))));
    ObjectNode submitted = InputFieldResolutionTest.sbuild();

    PreparedTask p = preparation.prepare(TaskType.WORKER, "sbuild", submitted, context, config);

    assertEquals(submitted, p.taskData().submitted());
    assertEquals("incus-vm", p.configuredTaskData().get("backend").asText());
    assertEquals(List.of("worker:sbuild:hello:bookworm"), p.taskData().appliedItems());
    // The configured backend runs images: the environment is looked up again, as an image.
    assertEquals(8, p.dynamicData().inputs().get(SbuildTask.ENVIRONMENT).artifactId());
    assertEquals(2, lookups.calls(), "one batch for the CONFIG stage, one for the dynamic data");
    assertEquals(2, lookups.batches().get(0).lookups().size());
    // Configured values are task data: what they ask for has user provenance (it only narrows).
    assertTrue(p.tags().required().contains(Tag.user("executor:incus-vm")));
    assertEquals("hello", p.dynamicTaskDataJson().get("subject").asText());
  }

  @Test
  void configuredDataThatNoLongerValidatesFailsTheConfiguration() {
    TaskConfigurationSource config =
        TaskConfigurationSource.of(
            List.of(
                TaskConfigurationItem.forTask("worker", "sbuild", null, null)
                    .withOverride("backend", TextNode.valueOf("docker"))));
    TaskConfigurationException e =
        assertThrows(
            TaskConfigurationException.class,
            () ->
                preparation.prepare(
                    TaskType.WORKER, "sbuild", InputFieldResolutionTest.sbuild(), context, config));
    assertTrue(e.getMessage().contains("task_data.backend"), e.getMessage());
  }

  @Test
  void invalidSubmittedDataIsRejectedBeforeAnyLookup() {
    TaskDataException e =
        assertThrows(
            TaskDataException.class,
            () ->
                preparation.prepare(
                    TaskType.WORKER,
                    "sbuild",
                    json("{'input': {}}"),
                    context,
                    TaskConfigurationSource.empty()));
    assertEquals(2, e.errors().size(), e.errors().toString());
    assertEquals(0, lookups.calls());
  }

  @Test
  void waitTasksAreNotConfigured() throws Exception {
    TaskConfigurationSource config =
        TaskConfigurationSource.of(
            List.of(
                TaskConfigurationItem.forTask("wait", "delay", null, null)
                    .withOverride("delay_until", TextNode.valueOf("2030-01-01T00:00:00Z"))));
    ObjectNode data = json("{'delay_until': '2026-03-01T00:00:00Z'}");
    PreparedTask p = preparation.prepare(TaskType.WAIT, "delay", data, context, config);
    assertEquals(data, p.configuredTaskData());
  }
}

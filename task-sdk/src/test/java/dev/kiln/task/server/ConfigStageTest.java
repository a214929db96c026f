package dev.kiln.task.server;

import static dev.kiln.task.TestData.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskRegistry;
import dev.kiln.task.TaskType;
import dev.kiln.task.external.ProbeTask;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The subject and configuration context are computed with only the CONFIG-stage input fields
 * resolved, without the rest of the dynamic data.
 */
class ConfigStageTest {

  private final FakeLookupResolver lookups =
      new FakeLookupResolver()
          .artifact("12@artifacts", 12, "debian:source-package", "name", "hello")
          .artifact(
              InputFieldResolutionTest.ENV, 7, "debian:system-tarball", "codename", "bookworm");
  private final DbTaskContext context = new DbTaskContext("main", null, lookups, "amd64");

  @Test
  void configStageAloneSufficesForSubjectAndContext() throws Exception {
    // extra_binary_artifacts is an EXECUTION-stage field the resolver cannot resolve.
    ObjectNode data =
        json(
            "{'input': {'source_artifact': '12@artifacts', 'extra_binary_artifacts': ['404@artifacts']},"
                + " 'environment': 'debian/match:codename=bookworm'}");
    DbTask<?> task =
        new DbTaskFactory(TaskCatalogue.registry())
            .create(TaskType.WORKER, "sbuild", data, context);

    SubjectContext sc = task.getTaskConfigurationSubjectContext();

    assertEquals(new SubjectContext("hello", "bookworm"), sc);
    assertEquals(1, lookups.calls());
    assertEquals(
        Set.of("source_artifact", "environment"), lookups.batches().get(0).lookups().keySet());
    // The rest of the dynamic data is computed separately, and fails on the missing artifact.
    DynamicDataException e = assertThrows(DynamicDataException.class, task::computeDynamicData);
    assertEquals("task_data.input.extra_binary_artifacts", e.errors().get(0).field());
    assertEquals(2, lookups.calls());
  }

  @Test
  void aTaskWithoutConfigFieldsNeedsNoLookupForItsContext() throws Exception {
    DbTask<?> task =
        new DbTaskFactory(TaskCatalogue.registry())
            .create(
                TaskType.WORKER,
                "mmdebstrap",
                json(
                    "{'bootstrap_options': {'architecture': 'riscv64'},"
                        + " 'bootstrap_repositories': [{'mirror': 'http://deb.debian.org/debian',"
                        + " 'suite': 'trixie'}]}"),
                context);
    assertEquals(new SubjectContext(null, "riscv64"), task.getTaskConfigurationSubjectContext());
    assertEquals(0, lookups.calls());
  }

  @Test
  void readingAnExecutionFieldForTheSubjectIsAProgrammingError() throws Exception {
    lookups
        .artifact("1@artifacts", 1, "x", "name", "early")
        .artifact("2@artifacts", 2, "x", "name", "late");
    DbTaskFactory factory = new DbTaskFactory(TaskRegistry.of(List.of(ProbeTask.DEFINITION)));
    DbTask<?> fine =
        factory.create(
            TaskType.WORKER,
            "probe",
            json("{'config_input': '1@artifacts', 'late_input': '2@artifacts'}"),
            context);
    assertEquals(new SubjectContext("early", "ctx-1"), fine.getTaskConfigurationSubjectContext());

    DbTask<?> greedy =
        factory.create(
            TaskType.WORKER,
            "probe",
            json(
                "{'config_input': '1@artifacts', 'late_input': '2@artifacts',"
                    + " 'subject_from_late_input': true}"),
            context);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, greedy::getTaskConfigurationSubjectContext);
    assertTrue(e.getMessage().contains("'late_input' is not resolved here"), e.getMessage());
    // With everything resolved, the same task works.
    assertEquals("late", greedy.computeDynamicData().subject());
  }
}

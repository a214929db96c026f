package dev.kiln.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.task.external.ExternalTaskCatalogue;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.external.worker.NoopTask;
import dev.kiln.task.external.worker.SbuildTask;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.TaskCatalogue;
import dev.kiln.task.server.tasks.ServerNoopTask;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TaskRegistryTest {

  /** A worker "noop" lookalike registered under another class (a duplicate). */
  private static final ExternalTaskDefinition<NoopTask.Data> OTHER_WORKER_NOOP =
      ExternalTaskDefinition.worker(
              "noop", 2, NoopTask.Data.class, (d, data, in) -> NoopTask.DEFINITION.create(data, in))
          .build();

  @Test
  void findsTasksByTypeAndName() {
    TaskRegistry registry = TaskCatalogue.registry();
    assertEquals(Optional.of(SbuildTask.DEFINITION), registry.find(TaskType.WORKER, "sbuild"));
    assertEquals(Optional.of(SbuildTask.DEFINITION), registry.find("worker", "sbuild"));
    assertTrue(registry.find(TaskType.SIGNING, "sbuild").isEmpty());
    assertTrue(registry.find("nope", "sbuild").isEmpty());
    assertEquals(TaskType.SIGNING, registry.find("signing", "noop").orElseThrow().type());
  }

  @Test
  void rejectsDuplicates() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TaskRegistry.of(List.of(NoopTask.DEFINITION, OTHER_WORKER_NOOP)));
    assertTrue(e.getMessage().contains("duplicate task worker/noop"), e.getMessage());
  }

  @Test
  void rejectsAWorkerAndAServerTaskOfTheSameName() {
    DbTaskDefinition<ServerNoopTask.Data> serverNamedNoop =
        DbTaskDefinition.server(
                "noop",
                1,
                ServerNoopTask.Data.class,
                (d, data, ctx) -> ServerNoopTask.DEFINITION.create(data, ctx))
            .build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TaskRegistry.of(List.of(NoopTask.DEFINITION, serverNamedNoop)));
    assertTrue(e.getMessage().contains("both a worker and a server task"), e.getMessage());
  }

  @Test
  void aSigningTaskMayShareAWorkerTaskName() {
    TaskRegistry registry = ExternalTaskCatalogue.registry();
    assertTrue(registry.find(TaskType.WORKER, "noop").isPresent());
    assertTrue(registry.find(TaskType.SIGNING, "noop").isPresent());
  }

  @Test
  void theCatalogueHasEveryTaskOfTheIssue() {
    Set<String> ids =
        TaskCatalogue.registry().all().stream()
            .map(TaskDefinition::id)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> expected =
        new TreeSet<>(
            List.of(
                "worker/noop",
                "worker/sbuild",
                "worker/lintian",
                "worker/autopkgtest",
                "worker/piuparts",
                "worker/blhc",
                "worker/debdiff",
                "worker/mmdebstrap",
                "worker/simplesystemimagebuild",
                "worker/extractforsigning",
                "worker/assemblesignedsource",
                "worker/makesourcepackageupload",
                "worker/mergeuploads",
                "signing/noop",
                "signing/sign",
                "signing/debsign",
                "signing/signrepositoryindex",
                "signing/generatekey",
                "server/servernoop",
                "server/copycollectionitems",
                "server/packageupload",
                "server/aptmirror",
                "server/generatesuiteindexes",
                "wait/delay",
                "wait/externaldebsign",
                "wait/confirm",
                "internal/synchronization_point",
                "internal/workflow",
                "workflow/noop",
                "workflow/sbuild",
                "workflow/lintian",
                "workflow/autopkgtest",
                "workflow/piuparts",
                "workflow/blhc",
                "workflow/debdiff",
                "workflow/qa",
                "workflow/make_signed_source",
                "workflow/package_upload",
                "workflow/update_environments",
                "workflow/debian_pipeline"));
    assertEquals(expected, ids);
  }

  @Test
  void theVersionTagNamesTypeNameAndVersion() {
    assertEquals("task:worker:sbuild:v1", SbuildTask.DEFINITION.versionTag());
    assertEquals("task:worker:noop:v2", OTHER_WORKER_NOOP.versionTag());
    assertEquals("task:server:servernoop:v1", ServerNoopTask.DEFINITION.versionTag());
  }

  @Test
  void rejectsBadNamesAndVersions() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ExternalTaskDefinition.worker("No-op", 1, NoopTask.Data.class, (d, data, in) -> null)
                .build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ExternalTaskDefinition.worker("noop", 0, NoopTask.Data.class, (d, data, in) -> null)
                .build());
  }
}

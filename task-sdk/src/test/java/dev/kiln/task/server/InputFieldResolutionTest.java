package dev.kiln.task.server;

import static dev.kiln.task.TestData.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.DynamicTaskData;
import dev.kiln.task.TaskDataException;
import dev.kiln.task.TaskJson;
import dev.kiln.task.TaskType;
import dev.kiln.task.external.ExternalTask;
import dev.kiln.task.external.worker.AutopkgtestTask;
import dev.kiln.task.external.worker.LintianTask;
import dev.kiln.task.external.worker.NoopTask;
import dev.kiln.task.external.worker.SbuildTask;
import dev.kiln.task.input.InputArchitecture;
import dev.kiln.task.input.InputArtifactSingle;
import dev.kiln.task.server.lookup.ExpectType;
import dev.kiln.task.server.lookup.LookupBatch;
import dev.kiln.task.server.tasks.GenerateSuiteIndexesTask;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Input fields are resolved in one lookup batch, persisted in dynamic_task_data as plain JSON, and
 * read back on the worker side as values without any lookup.
 */
class InputFieldResolutionTest {

  static final String ENV = "debian/match:codename=bookworm:architecture=amd64:format=tarball";

  private final FakeLookupResolver lookups =
      new FakeLookupResolver()
          .artifact(
              "12@artifacts", 12, "debian:source-package", "name", "hello", "version", "2.10-3")
          .artifact(
              ENV, 7, "debian:system-tarball", "codename", "bookworm", "architecture", "amd64");
  private final DbTaskContext context = new DbTaskContext("main", 40L, lookups, "amd64");
  private final DbTaskFactory factory = new DbTaskFactory(TaskCatalogue.registry());

  static ObjectNode sbuild() {
    return json(
        "{'input': {'source_artifact': '12@artifacts'},"
            + " 'environment': 'debian/match:codename=bookworm'}");
  }

  @Test
  void resolvesEveryFieldInOneBatchAndPersistsTheValues() throws Exception {
    DbTask<?> task = factory.create(TaskType.WORKER, "sbuild", sbuild(), context);

    DynamicTaskData dynamic = task.computeDynamicData();

    assertEquals(1, lookups.calls());
    LookupBatch batch = lookups.batches().get(0);
    assertEquals("main", batch.workspace());
    assertEquals(40L, batch.workflowRootId());
    assertEquals(List.of("source_artifact", "environment"), List.copyOf(batch.lookups().keySet()));
    assertEquals(ExpectType.ARTIFACT, batch.lookups().get("environment").expectType());
    assertEquals("debian:environments", batch.lookups().get("environment").defaultCategory());
    assertEquals(ENV, batch.lookups().get("environment").lookup().asText());

    ObjectNode stored = dynamic.toJson();
    assertEquals("hello", stored.path("subject").asText());
    assertEquals("bookworm", stored.path("configuration_context").asText());
    assertEquals(
        json("{'lookup': '12@artifacts', 'artifact': {'id': 12, 'category': 'debian:source-package',"
                + " 'data': {'name': 'hello', 'version': '2.10-3'}}}")
            .toString(),
        stored.path("inputs").path("source_artifact").toString());
    assertEquals(7, stored.path("inputs").path("environment").path("artifact").path("id").asInt());
    assertEquals(
        json("{'architecture': 'amd64', 'fallback': true}").toString(),
        stored.path("inputs").path("host_architecture").toString());
    assertFalse(stored.path("inputs").has("extra_binary_artifacts"), "optional and unset");
  }

  @Test
  void theWorkerReadsTheValuesBackWithoutAnyLookup() throws Exception {
    DynamicTaskData dynamic =
        factory.create(TaskType.WORKER, "sbuild", sbuild(), context).computeDynamicData();
    // What the worker receives: JSON text over the wire.
    String wire = TaskJson.mapper().writeValueAsString(dynamic.toJson());

    ExternalTask<SbuildTask.Data> onWorker =
        SbuildTask.DEFINITION.createForWorker(sbuild(), TaskJson.parse(wire));

    InputArtifactSingle source = onWorker.input(SbuildTask.SOURCE_ARTIFACT);
    assertEquals(12, source.artifactId());
    assertEquals("debian:source-package", source.artifact().category());
    assertEquals("2.10-3", source.artifact().dataText("version"));
    assertEquals(7, onWorker.input(SbuildTask.ENVIRONMENT).artifactId());
    assertEquals(
        new InputArchitecture("amd64", true), onWorker.input(SbuildTask.HOST_ARCHITECTURE));
    assertTrue(onWorker.optionalInput(SbuildTask.EXTRA_BINARY_ARTIFACTS).isEmpty());
    assertEquals("hello", onWorker.getSubject().orElseThrow());
    assertEquals(1, lookups.calls(), "the worker side looked nothing up");
  }

  @Test
  void multipleArtifactsAndCollectionsResolveToo() throws Exception {
    lookups
        .artifacts(
            "[\"20@artifacts\",\"21@artifacts\"]",
            FakeLookupResolver.info(20, "debian:binary-package", "srcpkg_name", "hello"),
            FakeLookupResolver.info(21, "debian:binary-packages", "srcpkg_name", "hello"))
        .collection("bookworm@debian:suite", 3, "bookworm", "debian:suite");
    ObjectNode data = sbuild();
    data.set(
        "input",
        json(
            "{'source_artifact': '12@artifacts',"
                + " 'extra_binary_artifacts': ['20@artifacts', '21@artifacts']}"));
    DynamicTaskData dynamic =
        factory.create(TaskType.WORKER, "sbuild", data, context).computeDynamicData();
    ExternalTask<SbuildTask.Data> onWorker =
        SbuildTask.DEFINITION.createForWorker(data, dynamic.toJson());
    assertEquals(
        List.of(20L, 21L), onWorker.input(SbuildTask.EXTRA_BINARY_ARTIFACTS).artifactIds());

    DynamicTaskData suite =
        factory
            .create(
                TaskType.SERVER,
                "generatesuiteindexes",
                json(
                    "{'suite_collection': 'bookworm@debian:suite', 'generate_at': '2026-02-01T00:00:00Z'}"),
                context)
            .computeDynamicData();
    assertEquals(3, suite.inputs().get(GenerateSuiteIndexesTask.SUITE_COLLECTION).collectionId());
  }

  @Test
  void aUserArchitectureWinsOverTheFallbackAndCompletesTheEnvironmentLookup() throws Exception {
    lookups.artifact(
        "debian/match:codename=bookworm:architecture=arm64:format=image",
        8,
        "debian:system-image",
        "codename",
        "bookworm");
    ObjectNode data = sbuild();
    data.put("host_architecture", "arm64");
    data.put("backend", "incus-vm");
    DynamicTaskData dynamic =
        factory.create(TaskType.WORKER, "sbuild", data, context).computeDynamicData();
    assertEquals(
        new InputArchitecture("arm64", false), dynamic.inputs().get(SbuildTask.HOST_ARCHITECTURE));
    assertEquals(8, dynamic.inputs().get(SbuildTask.ENVIRONMENT).artifactId());
  }

  @Test
  void aFailedLookupFailsWithDynamicDataFailedNamingFieldAndLookup() throws Exception {
    ObjectNode data = sbuild();
    data.put("environment", "debian/match:codename=trixie");
    DbTask<?> task = factory.create(TaskType.WORKER, "sbuild", data, context);

    DynamicDataException e = assertThrows(DynamicDataException.class, task::computeDynamicData);

    assertEquals("dynamic-data-failed", e.code());
    assertEquals(1, e.errors().size());
    assertEquals("task_data.environment", e.errors().get(0).field());
    assertTrue(
        e.getMessage()
            .contains(
                "input field 'environment': lookup"
                    + " 'debian/match:codename=trixie:architecture=amd64:format=tarball'"
                    + " failed (lookup-failed)"),
        e.getMessage());
    assertEquals(1, lookups.calls(), "still one batch for all fields");
  }

  @Test
  void anArtifactOfTheWrongCategoryFails() throws Exception {
    lookups.artifact("99@artifacts", 99, "debian:binary-package");
    ObjectNode data = sbuild();
    ((ObjectNode) data.get("input")).put("source_artifact", "99@artifacts");
    DynamicDataException e =
        assertThrows(
            DynamicDataException.class,
            () -> factory.create(TaskType.WORKER, "sbuild", data, context).computeDynamicData());
    assertEquals("task_data.input.source_artifact", e.errors().get(0).field());
    assertTrue(
        e.getMessage().contains("found artifact 99 of category debian:binary-package"),
        e.getMessage());
  }

  @Test
  void aTaskWithoutLookupFieldsMakesNoCall() throws Exception {
    DynamicTaskData dynamic =
        factory
            .create(TaskType.WORKER, "noop", json("{'result': true}"), context)
            .computeDynamicData();
    assertEquals(0, lookups.calls());
    assertEquals(json("{'inputs': {}}"), dynamic.toJson());
    assertTrue(NoopTask.DEFINITION.inputFields().isEmpty());
  }

  @Test
  void computeDynamicDataTakesNoArguments() throws NoSuchMethodException {
    assertEquals(0, DbTask.class.getMethod("computeDynamicData").getParameterCount());
  }

  @Test
  void anExplicitArchitectureInTheLookupIsKept() throws TaskDataException, DynamicDataException {
    lookups
        .artifact("12@artifacts", 12, "debian:source-package", "name", "hello")
        .artifact(
            "debian/match:codename=bookworm:architecture=i386:format=tarball",
            9,
            "debian:system-tarball");
    ObjectNode data = sbuild();
    data.put("environment", "debian/match:codename=bookworm:architecture=i386");
    DynamicTaskData dynamic =
        factory.create(TaskType.WORKER, "sbuild", data, context).computeDynamicData();
    assertEquals(9, dynamic.inputs().get(SbuildTask.ENVIRONMENT).artifactId());
  }

  @Test
  void nonMatchLookupsAreSentAsWritten() throws Exception {
    lookups
        .artifact("5@artifacts", 5, "debian:system-tarball", "codename", "trixie")
        .artifacts("[\"30@artifacts\"]", FakeLookupResolver.info(30, "debian:binary-package"));
    JsonNode data =
        json(
            "{'input': {'source_artifact': '12@artifacts', 'binary_artifacts': ['30@artifacts']},"
                + " 'environment': '5@artifacts'}");
    DynamicTaskData dynamic =
        factory.create(TaskType.WORKER, "autopkgtest", data, context).computeDynamicData();
    assertEquals("trixie", dynamic.configurationContext());
    assertEquals(
        "5@artifacts", dynamic.inputs().get(AutopkgtestTask.ENVIRONMENT).lookup().asText());
  }

  @Test
  void anEmptyMultipleLookupResolvesToNoArtifactsWithoutAsking() throws Exception {
    JsonNode data =
        json(
            "{'input': {'source_artifact': '12@artifacts', 'binary_artifacts': []},"
                + " 'environment': 'debian/match:codename=bookworm'}");
    DynamicTaskData dynamic =
        factory.create(TaskType.WORKER, "lintian", data, context).computeDynamicData();
    assertEquals(List.of(), dynamic.inputs().get(LintianTask.BINARY_ARTIFACTS).artifacts());
    assertEquals(
        Set.of("source_artifact", "environment"), lookups.batches().get(0).lookups().keySet());
  }
}

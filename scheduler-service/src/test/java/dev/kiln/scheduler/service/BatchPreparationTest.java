package dev.kiln.scheduler.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.scheduler.FakeLookups;
import dev.kiln.scheduler.service.BatchPreparation.Candidate;
import dev.kiln.scheduler.service.BatchPreparation.Outcome;
import dev.kiln.task.Tag;
import dev.kiln.task.TaskJson;
import dev.kiln.task.TaskType;
import dev.kiln.task.server.TaskCatalogue;
import dev.kiln.task.server.TaskPreparation;
import dev.kiln.task.server.lookup.LookupOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Preparation of many work requests at once: merged lookups, failures, retries, overlay, tags. */
class BatchPreparationTest {

  static final String WS = "main";
  static final String ENV =
      "debian/match:codename=bookworm:architecture=amd64:format=tarball"; // as the SDK completes it

  private final FakeLookups lookups = new FakeLookups();
  private final TaskPreparation preparation = new TaskPreparation(TaskCatalogue.registry());

  static ObjectNode json(String text) {
    return (ObjectNode) TaskJson.parse(text.replace('\'', '"'));
  }

  static ObjectNode sbuild(long source) {
    return json(
        "{'input': {'source_artifact': '"
            + source
            + "@artifacts'}, 'environment': 'debian/match:codename=bookworm'}");
  }

  static Candidate candidate(long id, String workspace, ObjectNode taskData) {
    return new Candidate(id, TaskType.WORKER, "sbuild", taskData, workspace, null);
  }

  private void sources(String workspace, int n) {
    for (int i = 1; i <= n; i++) {
      lookups.artifact(
          workspace,
          i + "@artifacts",
          i,
          "debian:source-package",
          "name",
          "pkg" + i,
          "version",
          "1");
    }
    lookups.artifact(
        workspace,
        ENV,
        700,
        "debian:system-tarball",
        "codename",
        "bookworm",
        "architecture",
        "amd64");
  }

  private void configuration(String workspace, String collection, String... itemsJson) {
    List<JsonNode> items = new ArrayList<>();
    for (String i : itemsJson) {
      items.add(json(i));
    }
    lookups.answer(
        workspace,
        json("{'collection': '" + collection + "', 'child_type': 'bare'}"),
        new LookupOutcome.BareItems(items));
  }

  private Map<Long, Outcome> run(String fallback, Candidate... candidates) {
    return new BatchPreparation(preparation, lookups, fallback).run(List.of(candidates));
  }

  @Test
  void manyWorkRequestsOfOneWorkspaceCostOneLookupCall() {
    sources(WS, 20);
    configuration(
        WS,
        "default@debusine:task-configuration",
        "{'task_type': 'worker', 'task_name': 'sbuild', 'context': 'bookworm',"
            + " 'default_values': {'build_profiles': ['nocheck']}}");
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      candidates.add(candidate(100 + i, WS, sbuild(i)));
    }
    BatchPreparation batch = new BatchPreparation(preparation, lookups, "amd64");
    Map<Long, Outcome> outcomes = batch.run(candidates);

    assertEquals(1, batch.remoteCalls());
    assertEquals(1, lookups.batches().size());
    // the configuration collection and the one environment once, each source artifact once
    assertEquals(22, lookups.batches().get(0).lookups().size());
    assertTrue(
        lookups.batches().get(0).lookups().keySet().stream().allMatch(k -> k.startsWith("wr101.")));
    for (int i = 1; i <= 20; i++) {
      Outcome o = outcomes.get(100L + i);
      Outcome.Prepared p = assertInstanceOf(Outcome.Prepared.class, o, () -> o.toString());
      assertEquals("nocheck", p.task().configuredTaskData().path("build_profiles").get(0).asText());
      JsonNode dynamic = p.task().dynamicTaskDataJson();
      assertEquals(
          700, dynamic.path("inputs").path("environment").path("artifact").path("id").asLong());
      assertEquals(
          i, dynamic.path("inputs").path("source_artifact").path("artifact").path("id").asLong());
      assertEquals("pkg" + i, dynamic.path("subject").asText());
      assertEquals("bookworm", dynamic.path("configuration_context").asText());
    }
  }

  @Test
  void eachWorkspaceIsOneCallOfItsOwn() {
    sources("a", 2);
    sources("b", 2);
    BatchPreparation batch = new BatchPreparation(preparation, lookups, "amd64");
    Map<Long, Outcome> outcomes =
        batch.run(
            List.of(
                candidate(1, "a", sbuild(1)),
                candidate(2, "b", sbuild(1)),
                candidate(3, "a", sbuild(2)),
                candidate(4, "b", sbuild(2))));
    assertEquals(2, batch.remoteCalls());
    assertEquals(1, lookups.batches("a").size());
    assertEquals(1, lookups.batches("b").size());
    outcomes.values().forEach(o -> assertInstanceOf(Outcome.Prepared.class, o, o::toString));
  }

  @Test
  void tagsCarryProvenanceAndTheServerFallbackArchitecture() {
    lookups.artifact(WS, "1@artifacts", 1, "debian:source-package", "name", "hello");
    lookups.artifact(
        WS,
        "debian/match:codename=bookworm:architecture=arm64:format=tarball",
        9,
        "debian:system-tarball",
        "codename",
        "bookworm");
    Outcome.Prepared p =
        assertInstanceOf(Outcome.Prepared.class, run("arm64", candidate(1, WS, sbuild(1))).get(1L));
    assertTrue(p.task().tags().required().contains(Tag.system("arch:arm64")));
    assertTrue(p.task().tags().required().contains(Tag.system("task:worker:sbuild:v1")));
    assertTrue(p.task().tags().provided().contains(Tag.system("workspace:" + WS)));
    assertEquals(
        "arm64",
        p.task()
            .dynamicTaskDataJson()
            .path("inputs")
            .path("host_architecture")
            .path("architecture")
            .asText());

    // the same tags give the same class; a user-chosen architecture another
    ObjectNode explicit = sbuild(1);
    explicit.put("host_architecture", "arm64");
    Outcome.Prepared q =
        assertInstanceOf(Outcome.Prepared.class, run("amd64", candidate(2, WS, explicit)).get(2L));
    assertTrue(q.task().tags().required().contains(Tag.user("arch:arm64")));
    assertEquals(TagClassKey.of(p.task().tags()), TagClassKey.of(p.task().tags()));
    assertTrue(
        !TagClassKey.of(p.task().tags())
            .fingerprint()
            .equals(TagClassKey.of(q.task().tags()).fingerprint()));
  }

  @Test
  void aFailedLookupEndsTheRequestWithDynamicDataFailed() {
    lookups.artifact(WS, "1@artifacts", 1, "debian:source-package", "name", "hello");
    // no environment matches
    Outcome.Failed f =
        assertInstanceOf(Outcome.Failed.class, run("amd64", candidate(1, WS, sbuild(1))).get(1L));
    assertEquals("dynamic-data-failed", f.code());
    assertEquals("task_data.environment", f.errors().get(0).field());
    assertTrue(f.errors().get(0).message().contains("codename=bookworm"), f::toString);
    List<Map<String, Object>> errors = PreparationService.errors(f);
    assertEquals("dynamic-data-failed", errors.get(0).get("code"));
    assertEquals("task_data.environment", errors.get(0).get("field"));
  }

  @Test
  void aTransportFailureLeavesTheRequestToBeRetried() {
    sources(WS, 1);
    lookups.failNextCalls(1);
    assertInstanceOf(Outcome.Retry.class, run("amd64", candidate(1, WS, sbuild(1))).get(1L));
    assertInstanceOf(Outcome.Prepared.class, run("amd64", candidate(1, WS, sbuild(1))).get(1L));
  }

  @Test
  void anInputThatIsStillAPromiseLeavesTheRequestToBeRetried() {
    sources(WS, 1);
    lookups.answer(
        WS,
        TaskJson.parse("\"1@artifacts\""),
        new LookupOutcome.Failed(
            dev.kiln.scheduler.client.ArtifactLookupClient.PROMISE_NOT_READY, "a promise"));
    Outcome.Retry r =
        assertInstanceOf(Outcome.Retry.class, run("amd64", candidate(1, WS, sbuild(1))).get(1L));
    assertTrue(r.reason().contains("not ready"), r::reason);
    sources(WS, 1); // the reaction replaced the promise by the artifact
    assertInstanceOf(Outcome.Prepared.class, run("amd64", candidate(1, WS, sbuild(1))).get(1L));
  }

  @Test
  void aMissingInternalItemOfAYoungWorkflowChildIsNotReadyLaterItIsAFailure() {
    sources(WS, 1);
    ObjectNode data =
        json(
            "{'input': {'source_artifact': 'internal@collections/name:source'},"
                + " 'environment': 'debian/match:codename=bookworm'}");
    // just created: the producer's promise may not be written yet
    Outcome young =
        run("amd64", new Candidate(1, TaskType.WORKER, "sbuild", data, WS, 9L, true)).get(1L);
    assertTrue(
        assertInstanceOf(Outcome.Retry.class, young).reason().contains("not ready"),
        young::toString);
    // past the grace: nothing there is the failure it is
    assertInstanceOf(
        Outcome.Failed.class,
        run("amd64", new Candidate(1, TaskType.WORKER, "sbuild", data, WS, 9L, false)).get(1L));
    // the grace covers the internal collection only
    assertInstanceOf(
        Outcome.Failed.class,
        run("amd64", new Candidate(1, TaskType.WORKER, "sbuild", sbuild(2), WS, 9L, true)).get(1L));
  }

  @Test
  void aMissingDefaultConfigurationIsToleratedAMissingExplicitOneIsAnError() {
    sources(WS, 1);
    assertInstanceOf(Outcome.Prepared.class, run("amd64", candidate(1, WS, sbuild(1))).get(1L));

    ObjectNode explicit = sbuild(1);
    explicit.put("task_configuration", "nightly@debusine:task-configuration");
    Outcome.Failed f =
        assertInstanceOf(Outcome.Failed.class, run("amd64", candidate(2, WS, explicit)).get(2L));
    assertEquals("task-configuration-failed", f.code());
    assertTrue(f.message().contains("nightly@debusine:task-configuration"), f::message);
  }

  @Test
  void anOverrideThatBreaksTheSchemaIsAConfigurationError() {
    sources(WS, 1);
    configuration(
        WS,
        "default@debusine:task-configuration",
        "{'task_type': 'worker', 'task_name': 'sbuild', 'override_values': {'backend': 'nope'}}");
    Outcome.Failed f =
        assertInstanceOf(Outcome.Failed.class, run("amd64", candidate(1, WS, sbuild(1))).get(1L));
    assertEquals("task-configuration-failed", f.code());
  }

  @Test
  void aConfigurationOverrideChangesWhatIsLookedUp() {
    sources(WS, 1);
    lookups.artifact(
        WS,
        "debian/match:codename=trixie:architecture=amd64:format=tarball",
        800,
        "debian:system-tarball",
        "codename",
        "trixie");
    configuration(
        WS,
        "default@debusine:task-configuration",
        "{'task_type': 'worker', 'task_name': 'sbuild', 'subject': 'pkg1',"
            + " 'override_values': {'environment': 'debian/match:codename=trixie'}}");
    BatchPreparation batch = new BatchPreparation(preparation, lookups, "amd64");
    Outcome.Prepared p =
        assertInstanceOf(
            Outcome.Prepared.class, batch.run(List.of(candidate(1, WS, sbuild(1)))).get(1L));
    // round 1: configuration + CONFIG fields; round 2: the overridden environment
    assertEquals(2, batch.remoteCalls());
    assertEquals(
        800,
        p.task()
            .dynamicTaskDataJson()
            .path("inputs")
            .path("environment")
            .path("artifact")
            .path("id")
            .asLong());
    assertEquals(
        "bookworm", p.task().taskData().submitted().path("environment").asText().split("=")[1]);
  }
}

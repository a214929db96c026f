package dev.kiln.workflow.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskJson;
import dev.kiln.workflow.domain.catalogue.WorkflowCatalogue;
import dev.kiln.workflow.domain.orchestration.Orchestration;
import dev.kiln.workflow.domain.orchestration.ProbeOrchestrator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The orchestration steps against stand-ins of the two services: what is read (one graph, one
 * collection read, one lookup batch), what is written and in which order, and that every step
 * delivered twice changes nothing.
 */
class WorkflowDriverTest {

  private static final long ROOT = 100;

  private static ObjectNode json(String text) {
    return (ObjectNode) TaskJson.parse(text.replace('\'', '"'));
  }

  private static final String SBUILD =
      "{'input': {'source_artifact': 12}, 'target_distribution': 'debian:bookworm',"
          + " 'architectures': ['amd64', 'all'], 'backend': 'unshare'}";

  private final FakeServices.Artifacts artifacts = new FakeServices.Artifacts();

  private WorkflowDriver driver(Orchestration o, FakeServices.Scheduler s) {
    return new WorkflowDriver(o, s, artifacts, 10);
  }

  @Test
  void populateLaysOutTheChildrenThenWritesPromisesNamingTheirProducers() {
    FakeServices.Scheduler s = new FakeServices.Scheduler(ROOT, "sbuild", json(SBUILD));
    WorkflowDriver d = driver(WorkflowCatalogue.orchestration(), s);

    assertEquals(WorkflowDriver.Outcome.DONE, d.populate(ROOT));

    assertEquals(Set.of("build-all", "build-amd64"), s.nodes.keySet());
    assertEquals(1, s.mutations.size(), "one mutation for the whole layout");
    assertEquals("populate", s.mutations.get(0).path("trigger").asText());
    ObjectNode promise = artifacts.items.get("build-amd64");
    assertEquals("debusine:promise", promise.path("category").asText());
    assertEquals(
        s.id("build-amd64"), promise.path("data").path("promise_work_request_id").asLong());
    assertEquals(ROOT, promise.path("data").path("promise_workflow_id").asLong());
    assertEquals("debian:upload", promise.path("data").path("promise_category").asText());
    assertEquals("amd64", promise.path("data").path("architecture").asText());
    assertEquals(1, artifacts.writes, "every item in one write");

    // The same command again: nothing new is posted or written.
    String graph = s.graph(ROOT).toString();
    String items = artifacts.items.toString();
    assertEquals(WorkflowDriver.Outcome.DONE, d.populate(ROOT));
    assertEquals(1, s.mutations.size());
    assertEquals(1, artifacts.writes);
    assertEquals(graph, s.graph(ROOT).toString());
    assertEquals(items, artifacts.items.toString());
  }

  @Test
  void aCrashBetweenTheMutationAndThePromisesIsRepairedByTheRedelivery() {
    FakeServices.Scheduler s = new FakeServices.Scheduler(ROOT, "sbuild", json(SBUILD));
    WorkflowDriver d = driver(WorkflowCatalogue.orchestration(), s);
    FakeServices.Artifacts failing =
        new FakeServices.Artifacts() {
          @Override
          public void writeInternalItems(
              String ws, long root, com.fasterxml.jackson.databind.node.ArrayNode batch) {
            throw new RemoteCallException("artifact service down", 0, null);
          }
        };
    WorkflowDriver crashing = new WorkflowDriver(WorkflowCatalogue.orchestration(), s, failing, 10);
    assertThrows(RemoteCallException.class, () -> crashing.populate(ROOT));
    assertEquals(2, s.nodes.size(), "the graph was extended");

    assertEquals(WorkflowDriver.Outcome.DONE, d.populate(ROOT));
    assertEquals(1, s.mutations.size(), "the children exist: no second mutation");
    assertEquals(
        s.id("build-all"),
        artifacts.items.get("build-all").path("data").path("promise_work_request_id").asLong());
  }

  @Test
  void badTaskDataEndsTheWorkflowInErrorNamingTheField() {
    FakeServices.Scheduler s =
        new FakeServices.Scheduler(
            ROOT, "sbuild", json(SBUILD.replace("'debian:bookworm'", "'debian'")));
    WorkflowDriver d = driver(WorkflowCatalogue.orchestration(), s);

    assertEquals(WorkflowDriver.Outcome.FAILED, d.populate(ROOT));

    assertEquals("completed", s.workflow.path("status").asText());
    assertEquals("error", s.workflow.path("result").asText());
    String message = s.workflow.path("output_data").path("errors").get(0).path("message").asText();
    assertTrue(message.contains("target_distribution"), message);
    assertEquals(0, s.mutations.size());
    // Redelivered: the workflow has ended, nothing happens.
    assertEquals(WorkflowDriver.Outcome.SKIPPED, d.populate(ROOT));
    assertEquals(1, s.completions.size());
  }

  @Test
  void aMutationTheSchedulerRefusesEndsTheWorkflowInError() {
    FakeServices.Scheduler s = new FakeServices.Scheduler(ROOT, "sbuild", json(SBUILD));
    s.failNextMutation =
        new RemoteCallException("answered 409: children[0]: exists with another spec", 409, null);
    assertEquals(
        WorkflowDriver.Outcome.FAILED, driver(WorkflowCatalogue.orchestration(), s).populate(ROOT));
    assertEquals("error", s.workflow.path("result").asText());
    assertTrue(
        s.workflow.path("output_data").toString().contains("children[0]"),
        s.workflow.path("output_data").toString());
  }

  @Test
  void aCallbackAddsChildrenAndIsCompletedOnce() {
    Orchestration probe = ProbeOrchestrator.orchestration();
    FakeServices.Scheduler s =
        new FakeServices.Scheduler(ROOT, "probe", json("{'mode': 'callback'}"));
    WorkflowDriver d = driver(probe, s);
    d.populate(ROOT);
    assertEquals(Set.of("first", "note"), s.nodes.keySet());

    s.set("first", "completed", "success");
    s.set("note", "running", null);
    long callback = s.id("note");
    assertEquals(WorkflowDriver.Outcome.DONE, d.callback(ROOT, callback));

    assertTrue(s.nodes.containsKey("after-note"), "the callback extended the graph");
    assertEquals("callback:note", s.mutations.get(1).path("trigger").asText());
    assertEquals("completed", s.node("note").path("status").asText());
    assertEquals("success", s.node("note").path("result").asText());
    assertEquals("SUCCESS", artifacts.items.get("note").path("data").path("first_result").asText());

    // Redelivered: the callback has run; nothing is posted, written or completed again.
    int writes = artifacts.writes;
    assertEquals(WorkflowDriver.Outcome.SKIPPED, d.callback(ROOT, callback));
    assertEquals(2, s.mutations.size());
    assertEquals(writes, artifacts.writes);
    assertEquals(1, s.completions.size());
  }

  @Test
  void aProducersSuccessReplacesItsPromiseByItsArtifactOnce() {
    FakeServices.Scheduler s = new FakeServices.Scheduler(ROOT, "sbuild", json(SBUILD));
    WorkflowDriver d = driver(WorkflowCatalogue.orchestration(), s);
    d.populate(ROOT);
    long build = s.id("build-amd64");
    artifacts.create(build, "debian:package-build-log", json("{}"));
    long upload = artifacts.create(build, "debian:upload", json("{'type': 'dpkg'}"));
    s.set("build-amd64", "completed", "success");

    assertEquals(2, d.fulfil(ROOT, build), "the upload and the build log");

    ObjectNode item = artifacts.items.get("build-amd64");
    assertEquals(upload, item.path("artifact_id").asLong());
    assertEquals("debian:upload", item.path("category").asText());
    assertEquals(
        "amd64", item.path("data").path("architecture").asText(), "the promise's data stays");
    assertFalse(item.path("data").has("promise_work_request_id"));
    assertEquals(1, s.graphReads, "the reactions were known from the populate");

    String items = artifacts.items.toString();
    int writes = artifacts.writes;
    assertEquals(0, d.fulfil(ROOT, build), "delivered twice: nothing to do");
    assertEquals(writes, artifacts.writes);
    assertEquals(items, artifacts.items.toString());

    // A fresh process (empty cache) reads the graph once and finds the same.
    WorkflowDriver restarted = driver(WorkflowCatalogue.orchestration(), s);
    assertEquals(0, restarted.fulfil(ROOT, build));
    assertEquals(2, s.graphReads);
  }

  @Test
  void updateEnvironmentsAddsEachTarballToTheEnvironmentsCollectionInOneWritePerCollection() {
    FakeServices.Scheduler s =
        new FakeServices.Scheduler(
            ROOT,
            "update_environments",
            json(
                "{'vendor': 'debian', 'targets': [{'codenames': ['trixie'], 'codename_aliases':"
                    + " {'trixie': ['testing']}, 'architectures': ['amd64', 'arm64'], 'mirror':"
                    + " 'http://deb.debian.org/debian'}]}"));
    WorkflowDriver d = driver(WorkflowCatalogue.orchestration(), s);
    d.populate(ROOT);
    List<Long> runs = new ArrayList<>();
    Map<String, Long> tarballs = new java.util.LinkedHashMap<>();
    for (String arch : List.of("amd64", "arm64")) {
      long run = s.id("mmdebstrap-trixie-" + arch);
      runs.add(run);
      artifacts.create(run, "debusine:work-request-debug-logs", json("{}"));
      tarballs.put(
          arch,
          artifacts.create(
              run, "debian:system-tarball", json("{'codename': 'trixie', 'architecture': 'x'}")));
      s.set("mmdebstrap-trixie-" + arch, "completed", "success");
    }

    // two tarballs, each under its codename and its alias: four items, one write
    assertEquals(4, d.fulfil(ROOT, runs));

    assertEquals(1, artifacts.collectionWrites.size(), "one write for the collection");
    assertEquals("debian@debian:environments", artifacts.collectionWrites.get(0).getKey());
    List<String> written = new ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode i : artifacts.collectionWrites.get(0).getValue()) {
      String arch = i.path("data").path("architecture").asText();
      assertEquals(tarballs.get(arch), i.path("artifact_id").asLong(), "the run's own tarball");
      assertEquals("tarball", i.path("data").path("format").asText());
      assertTrue(i.path("replace").asBoolean(), "a newer tarball replaces the older one");
      assertFalse(i.has("name"), "the environments collection names its items");
      written.add(i.path("data").path("codename").asText() + "/" + arch);
    }
    assertEquals(
        List.of("trixie/amd64", "testing/amd64", "trixie/arm64", "testing/arm64"), written);
    assertTrue(artifacts.items.keySet().stream().noneMatch(n -> n.startsWith("mmdebstrap")));
  }

  @Test
  void theSuccessesOfManyProducersAreFulfilledWithOneListingOneReadAndOneWrite() {
    FakeServices.Scheduler s =
        new FakeServices.Scheduler(
            ROOT,
            "sbuild",
            json(
                "{'input': {'source_artifact': 12}, 'target_distribution': 'debian:bookworm',"
                    + " 'architectures': ['amd64', 'arm64', 'i386'], 'backend': 'unshare'}"));
    WorkflowDriver d = driver(WorkflowCatalogue.orchestration(), s);
    d.populate(ROOT);
    Map<String, Long> uploads = new java.util.LinkedHashMap<>();
    List<Long> builds = new ArrayList<>();
    for (String arch : List.of("amd64", "arm64", "i386")) {
      long build = s.id("build-" + arch);
      builds.add(build);
      if (!arch.equals("i386")) { // i386 succeeded without its upload: its promise stays
        uploads.put(arch, artifacts.create(build, "debian:upload", json("{'type': 'dpkg'}")));
      }
      s.set("build-" + arch, "completed", "success");
    }
    int writes = artifacts.writes;
    int reads = artifacts.itemReads;

    assertEquals(2, d.fulfil(ROOT, builds));

    assertEquals(1, artifacts.createdReads, "one listing of the artifacts of every producer");
    assertEquals(reads + 1, artifacts.itemReads, "one read of the items they name");
    assertEquals(writes + 1, artifacts.writes, "one write");
    uploads.forEach(
        (arch, upload) -> {
          ObjectNode item = artifacts.items.get("build-" + arch);
          assertEquals(upload, item.path("artifact_id").asLong());
          assertEquals(arch, item.path("data").path("architecture").asText());
        });
    assertEquals(
        dev.kiln.workflow.domain.orchestration.PromiseSpec.PROMISE_CATEGORY,
        artifacts.items.get("build-i386").path("category").asText());
    // Delivered again (a redelivered poll): nothing is written.
    assertEquals(0, d.fulfil(ROOT, builds));
    assertEquals(writes + 1, artifacts.writes);
  }

  @Test
  void lookupsOfTheTaskDataAreResolvedInOneBatch() {
    ObjectNode data =
        json(
            "{'binary_artifacts': [21, '22@artifacts'], 'codename': 'bookworm',"
                + " 'architectures': ['amd64']}");
    ObjectNode lookups = GraphViews.lookupsIn(java.util.List.of(data));
    assertEquals(Set.of("21", "22@artifacts"), toSet(lookups.fieldNames()));
    artifacts.artifactLookup("21", 21, "debian:binary-package", json("{'architecture': 'amd64'}"));
    assertEquals(
        "amd64",
        GraphViews.resolved(artifacts.lookups("ws", ROOT, lookups)).get("21").architecture());
    assertEquals(1, artifacts.lookupCalls);
  }

  private static Set<String> toSet(java.util.Iterator<String> it) {
    Set<String> out = new java.util.TreeSet<>();
    it.forEachRemaining(out::add);
    return out;
  }
}

package dev.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.infra.KilnClient;
import dev.kiln.infra.LocalInfra;
import dev.kiln.infra.Platform;
import dev.kiln.infra.PlatformSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #6's must-show, every hop real: PostgreSQL, Kafka, the three packaged services and a worker
 * that runs nothing (it reports the result it is told to, after creating the artifacts the task
 * would have). The scheduler starts a workflow and sends {@code workflow.orchestrate.v1}; the
 * workflow service reads the graph, lays the children out in one graph mutation, writes the
 * promises to the internal collection, fulfils them when their producers succeed (the dependents
 * wait, not ready, until then), runs callbacks; the scheduler ends the workflow by its children.
 */
class WorkflowRoundTripTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "kiln.work-requests";
  private static final Duration WORKFLOW_TIMEOUT = Duration.ofMinutes(4);

  private static Platform platform;
  private static KilnClient client;
  private static NoopAgent agent;
  private static NoopAgent signer;
  private static long signingTemplate;

  /** Holds the stand-in of {@code assemblesignedsource} until the test has seen the graph. */
  private static final java.util.concurrent.CountDownLatch ASSEMBLE =
      new java.util.concurrent.CountDownLatch(1);

  private static String bootstrap;
  private static final String WS = "e2e-wf-" + System.nanoTime();
  private static long source;
  private static long binary;

  @BeforeAll
  static void startPlatform() throws Exception {
    Path runDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "workflow-");
    bootstrap = LocalInfra.shared().settings().bootstrapServers();
    platform =
        Platform.start(
            Platform.findRoot(),
            LocalInfra.shared().settings(),
            Platform.PortPlan.free(),
            PlatformSecrets.random(),
            runDir,
            false);
    client = platform.client();
    source =
        post(
                "/api/v1/artifacts",
                "{'category': 'debian:source-package', 'workspace': '"
                    + WS
                    + "', 'data': {'name': 'hello', 'version': '2.10-3', 'type': 'dpkg',"
                    + " 'dsc_fields': {'Source': 'hello'}}}")
            .get("id")
            .asLong();
    binary =
        post(
                "/api/v1/artifacts",
                "{'category': 'debian:binary-package', 'workspace': '"
                    + WS
                    + "', 'data': {'srcpkg_name': 'hello', 'srcpkg_version': '2.10-3',"
                    + " 'deb_fields': {'Package': 'hello', 'Architecture': 'amd64'},"
                    + " 'deb_control_files': ['control']}}")
            .get("id")
            .asLong();
    signingTemplate =
        post(
                "/api/v1/artifacts",
                "{'category': 'debian:binary-package', 'workspace': '"
                    + WS
                    + "', 'data': {'srcpkg_name': 'hello', 'srcpkg_version': '2.10-3',"
                    + " 'deb_fields': {'Package': 'hello-signed-template', 'Architecture':"
                    + " 'amd64'}, 'deb_control_files': ['control']}}")
            .get("id")
            .asLong();
    long tarball =
        post(
                "/api/v1/artifacts",
                "{'category': 'debian:system-tarball', 'workspace': '"
                    + WS
                    + "', 'data': {'filename': 'system.tar.zst', 'codename': 'bookworm',"
                    + " 'architecture': 'amd64', 'vendor': 'debian', 'variant': 'buildd',"
                    + " 'mirror': 'http://deb.debian.org/debian', 'components': ['main'],"
                    + " 'pkglist': {}, 'with_dev': true, 'with_init': false}}")
            .get("id")
            .asLong();
    long environments =
        post(
                "/api/v1/collections",
                "{'name': 'debian', 'category': 'debian:environments', 'workspace': '" + WS + "'}")
            .get("id")
            .asLong();
    for (String variant : new String[] {"", "sbuild"}) {
      post(
          "/api/v1/collections/" + environments + "/items",
          "{'artifact_id': "
              + tarball
              + ", 'data': {'codename': 'bookworm', 'architecture': 'amd64', 'variant': '"
              + variant
              + "', 'backend': 'unshare'}}");
    }
    agent =
        new NoopAgent(
            platform.ports().scheduler(),
            platform.ports().artifact(),
            platform.secrets().registrationToken(),
            "e2e-noop-worker",
            List.of(
                "task:worker:sbuild:v1",
                "task:worker:lintian:v1",
                "task:worker:autopkgtest:v1",
                "task:worker:extractforsigning:v1",
                "task:worker:assemblesignedsource:v1",
                "arch:amd64",
                "executor:unshare",
                "tool:sbuild",
                "tool:lintian",
                "tool:autopkgtest"),
            WorkflowRoundTripTest::standIn);
    signer =
        new NoopAgent(
            platform.ports().scheduler(),
            platform.ports().artifact(),
            platform.secrets().registrationToken(),
            "e2e-noop-signer",
            "signing",
            List.of("task:signing:sign:v1", "tool:sbsign"),
            WorkflowRoundTripTest::standIn);
  }

  @AfterAll
  static void stopPlatform() throws Exception {
    ASSEMBLE.countDown();
    if (agent != null) {
      agent.close();
    }
    if (signer != null) {
      signer.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  /**
   * The stand-ins: a build succeeds with an upload and a build log, except builds of {@code all} in
   * a workspace-wide failing mode (see {@link #aFailedBuildFailsTheWorkflow}); autopkgtest fails;
   * anything else succeeds.
   */
  private static volatile boolean failArchAllBuilds;

  private static NoopAgent.Outcome standIn(Assignment a) {
    JsonNode data;
    try {
      data = JSON.readTree(a.getTaskDataJson());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    switch (a.getTaskName()) {
      case "sbuild" -> {
        boolean all = data.path("build_components").toString().contains("\"all\"");
        String arch = all ? "all" : data.path("host_architecture").asText();
        if (all && failArchAllBuilds) {
          return new NoopAgent.Outcome(WorkResult.WORK_RESULT_FAILURE, Map.of());
        }
        Map<String, String> artifacts = new LinkedHashMap<>();
        artifacts.put(
            "debian:upload",
            ("{'type': 'dpkg', 'changes_fields': {'Architecture': '%s', 'Files':"
                    + " [{'name': 'hello_2.10-3_%s.deb'}]}}")
                .formatted(arch, arch)
                .replace('\'', '"'));
        artifacts.put(
            "debian:package-build-log",
            ("{'source': 'hello', 'version': '2.10-3', 'architecture': '%s', 'filename':"
                    + " 'hello_%s.build'}")
                .formatted(arch, arch)
                .replace('\'', '"'));
        return new NoopAgent.Outcome(WorkResult.WORK_RESULT_SUCCESS, artifacts);
      }
      case "autopkgtest" -> {
        return new NoopAgent.Outcome(WorkResult.WORK_RESULT_FAILURE, Map.of());
      }
      case "extractforsigning" -> {
        return new NoopAgent.Outcome(
            WorkResult.WORK_RESULT_SUCCESS,
            Map.of(
                "debusine:signing-input",
                "{\"trusted_certs\": [\"%s\"], \"binary_package_name\": \"hello\"}"
                    .formatted("a".repeat(64))));
      }
      case "sign" -> {
        return new NoopAgent.Outcome(
            WorkResult.WORK_RESULT_SUCCESS,
            Map.of(
                "debusine:signing-output",
                "{\"purpose\": \"uefi\", \"fingerprint\": \"ABCD\", \"results\":"
                    + " [{\"file\": \"hello.efi\", \"output_file\": \"hello.efi.signed\"}]}"));
      }
      case "assemblesignedsource" -> {
        try {
          if (!ASSEMBLE.await(3, java.util.concurrent.TimeUnit.MINUTES)) {
            return new NoopAgent.Outcome(WorkResult.WORK_RESULT_ERROR, Map.of());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new NoopAgent.Outcome(WorkResult.WORK_RESULT_ERROR, Map.of());
        }
        return new NoopAgent.Outcome(
            WorkResult.WORK_RESULT_SUCCESS,
            Map.of(
                "debian:source-package",
                "{\"name\": \"hello-signed\", \"version\": \"2.10-3\", \"type\": \"dpkg\","
                    + " \"dsc_fields\": {\"Source\": \"hello-signed\"}}"));
      }
      default -> {
        return new NoopAgent.Outcome(WorkResult.WORK_RESULT_SUCCESS, Map.of());
      }
    }
  }

  @Test
  void aDebianPipelineCompletesAndRedeliveredEventsChangeNothing() throws Exception {
    long root =
        createWorkflow(
            "debian_pipeline",
            "{'source_artifact': '"
                + source
                + "@artifacts', 'codename': 'bookworm', 'architectures': ['amd64'],"
                + " 'enable_autopkgtest': false, 'enable_piuparts': false,"
                + " 'enable_blhc': false}");
    JsonNode done = client.awaitTerminal(root, WORKFLOW_TIMEOUT);
    assertEquals("completed", done.path("status").asText(), () -> describe(root));
    assertEquals("success", done.path("result").asText(), () -> describe(root));

    Map<String, JsonNode> nodes = nodes(root);
    for (String key : List.of("sbuild", "sbuild/build-amd64", "qa", "qa/lintian/lintian-amd64")) {
      assertTrue(nodes.containsKey(key), () -> key + " in " + nodes.keySet());
      assertEquals("completed", nodes.get(key).path("status").asText(), key);
      assertEquals("success", nodes.get(key).path("result").asText(), key);
    }
    long build = nodes.get("sbuild/build-amd64").path("id").asLong();
    long lint = nodes.get("qa/lintian/lintian-amd64").path("id").asLong();
    // The promise was replaced by the upload the build created, before lintian ran on it.
    Map<String, JsonNode> items = items(root);
    JsonNode item = items.get("build-amd64");
    long upload = agent.created.get(build).get(0);
    assertEquals("artifact", item.path("child_type").asText(), items::toString);
    assertEquals(upload, item.path("artifact_id").asLong(), items::toString);
    assertEquals("amd64", item.path("data").path("architecture").asText());
    Assignment lintian =
        agent.of("lintian").stream()
            .filter(a -> a.getWorkRequestId() == lint)
            .findFirst()
            .orElseThrow();
    assertTrue(
        lintian.getDynamicTaskDataJson().contains("\"id\":" + upload),
        lintian::getDynamicTaskDataJson);

    // The same events delivered twice (the population command, the build's completion).
    String graphBefore = graphFingerprint(root);
    String itemsBefore = items.toString();
    List<ConsumerRecord<String, String>> again =
        events(
            r ->
                (r.path("event_type").asText().equals("workflow.orchestrate.v1")
                        && r.path("work_request_id").asLong() == root)
                    || (r.path("event_type").asText().equals("work-request.completed.v1")
                        && r.path("work_request_id").asLong() == build),
            2);
    redeliverAndAwait(again);
    assertEquals(graphBefore, graphFingerprint(root), "the graph is unchanged");
    assertEquals(itemsBefore, items(root).toString(), "the internal collection is unchanged");
    assertEquals(1, agent.of("lintian").stream().filter(a -> a.getWorkRequestId() == lint).count());
    assertEquals(List.of(), agent.failures);
  }

  @Test
  void aFailedBuildFailsTheWorkflow() throws Exception {
    failArchAllBuilds = true;
    try {
      long root =
          createWorkflow(
              "sbuild",
              "{'input': {'source_artifact': '"
                  + source
                  + "@artifacts'}, 'target_distribution': 'debian:bookworm',"
                  + " 'architectures': ['amd64', 'all'], 'backend': 'unshare'}");
      JsonNode done = client.awaitTerminal(root, WORKFLOW_TIMEOUT);
      assertEquals("completed", done.path("status").asText(), () -> describe(root));
      assertEquals("failure", done.path("result").asText(), () -> describe(root));
      Map<String, JsonNode> nodes = nodes(root);
      assertEquals("failure", nodes.get("build-all").path("result").asText());
      assertEquals("success", nodes.get("build-amd64").path("result").asText());
      // The workflow may end before the workflow service has handled the build's completion.
      long amd64 = nodes.get("build-amd64").path("id").asLong();
      awaitConsumed(
          events(
              r ->
                  r.path("event_type").asText().equals("work-request.completed.v1")
                      && r.path("work_request_id").asLong() == amd64,
              1));
      // The failed build's promise stays a promise; the other one was fulfilled.
      Map<String, JsonNode> items = items(root);
      assertEquals("debusine:promise", items.get("build-all").path("category").asText());
      assertEquals("artifact", items.get("build-amd64").path("child_type").asText());
    } finally {
      failArchAllBuilds = false;
    }
  }

  @Test
  void aCallbackRunsAtRunTimeAndRecordsTheTestOutcome() throws Exception {
    long root =
        createWorkflow(
            "autopkgtest",
            "{'source_artifact': '"
                + source
                + "@artifacts', 'binary_artifacts': ["
                + binary
                + "], 'codename': 'bookworm', 'enable_regression_tracking': true}");
    JsonNode done = client.awaitTerminal(root, WORKFLOW_TIMEOUT);
    assertEquals("completed", done.path("status").asText(), () -> describe(root));
    // The test failed but is allowed to (regression tracking): the workflow succeeds.
    assertEquals("success", done.path("result").asText(), () -> describe(root));
    Map<String, JsonNode> nodes = nodes(root);
    assertEquals("failure", nodes.get("autopkgtest-amd64").path("result").asText());
    JsonNode callback = nodes.get("regression-analysis-amd64");
    assertEquals("internal", callback.path("task_type").asText());
    assertEquals("completed", callback.path("status").asText());
    assertEquals("success", callback.path("result").asText());
    Map<String, JsonNode> items = items(root);
    JsonNode recorded = items.get("regression-amd64");
    assertNotNull(recorded, items::toString);
    assertEquals("debian:qa-result", recorded.path("category").asText());
    assertEquals("failure", recorded.path("data").path("result").asText());
    assertEquals(
        nodes.get("autopkgtest-amd64").path("id").asLong(),
        recorded.path("data").path("work_request_id").asLong());
  }

  /**
   * The graph grows at run time: make_signed_source lays out its sbuild of the signed source with
   * only a populate callback, waiting for the assembled source; when the assembly succeeds, the
   * callback lays out the build of the real source, which runs, and the workflow succeeds. The
   * callback's command delivered again changes nothing.
   */
  @Test
  void aCallbackAddsTheSignedBuildAtRunTime() throws Exception {
    long root =
        createWorkflow(
            "make_signed_source",
            "{'binary_artifacts': ['"
                + binary
                + "@artifacts'], 'signing_template_artifacts': ["
                + signingTemplate
                + "], 'codename': 'bookworm', 'architectures': ['amd64'], 'backend': 'unshare',"
                + " 'purpose': 'uefi', 'key': 'ABCD'}");
    long assemble = awaitAssignment("assemblesignedsource", root);

    // Before the step: the signed build's sub-workflow holds its callback, waiting; no build.
    Map<String, JsonNode> before = nodes(root);
    assertEquals(
        List.of(
            "assemble-amd64-0",
            "extract-amd64-0",
            "sbuild-amd64-0",
            "sbuild-amd64-0/entry",
            "sbuild-amd64-0/exit",
            "sbuild-amd64-0/populate",
            "sign-amd64-0"),
        List.copyOf(before.keySet()),
        () -> describe(root));
    JsonNode populate = before.get("sbuild-amd64-0/populate");
    assertEquals("internal", populate.path("task_type").asText());
    assertEquals("blocked", populate.path("status").asText(), () -> describe(root));
    assertEquals("running", before.get("assemble-amd64-0").path("status").asText());
    assertEquals(assemble, before.get("assemble-amd64-0").path("id").asLong());
    assertTrue(
        agent.of("sbuild").stream()
            .noneMatch(a -> a.getTaskDataJson().contains("signed-source-amd64-0")),
        "no build of the signed source yet");

    ASSEMBLE.countDown();
    JsonNode done = client.awaitTerminal(root, WORKFLOW_TIMEOUT);
    assertEquals("completed", done.path("status").asText(), () -> describe(root));
    assertEquals("success", done.path("result").asText(), () -> describe(root));

    // After: the callback ran and added the build, which ran on the assembled source.
    Map<String, JsonNode> after = nodes(root);
    assertEquals(before.size() + 1, after.size(), after::toString);
    assertTrue(after.keySet().containsAll(before.keySet()), after::toString);
    JsonNode build = after.get("sbuild-amd64-0/build-amd64");
    assertNotNull(build, after::toString);
    assertEquals("sbuild-amd64-0", build.path("parent_key").asText());
    assertEquals("completed", build.path("status").asText());
    assertEquals("success", build.path("result").asText());
    for (String key : List.of("sbuild-amd64-0/populate", "sbuild-amd64-0/exit", "sbuild-amd64-0")) {
      assertEquals("completed", after.get(key).path("status").asText(), key);
      assertEquals("success", after.get(key).path("result").asText(), key);
    }
    assertTrue(
        edges(root).contains("sbuild-amd64-0/exit -> sbuild-amd64-0/build-amd64"),
        () -> describe(root));
    long signedSource = agent.created.get(assemble).get(0);
    Assignment sbuild =
        agent.of("sbuild").stream()
            .filter(a -> a.getWorkRequestId() == build.path("id").asLong())
            .findFirst()
            .orElseThrow();
    assertTrue(
        sbuild.getDynamicTaskDataJson().contains("\"id\":" + signedSource),
        sbuild::getDynamicTaskDataJson);
    // The build's promise was laid out by the callback and fulfilled by the build. Fulfilment
    // follows the build's completion event, asynchronously, and the scheduler ends the workflow
    // without waiting for it: wait for the item to name the build's artifact.
    long builtArtifact = agent.created.get(build.path("id").asLong()).get(0);
    long fulfilDeadline = System.nanoTime() + WORKFLOW_TIMEOUT.toNanos();
    JsonNode upload = items(root).get("signed-amd64-0|build-amd64");
    while (upload != null
        && upload.path("artifact_id").asLong() != builtArtifact
        && System.nanoTime() < fulfilDeadline) {
      Thread.sleep(200);
      upload = items(root).get("signed-amd64-0|build-amd64");
    }
    assertNotNull(upload, () -> describe(root));
    assertEquals(builtArtifact, upload.path("artifact_id").asLong(), () -> describe(root));

    // The callback's command delivered again: nothing new.
    String graphBefore = graphFingerprint(root);
    long callbackId = populate.path("id").asLong();
    redeliverAndAwait(
        events(
            r ->
                r.path("event_type").asText().equals("workflow.orchestrate.v1")
                    && r.path("work_request_id").asLong() == callbackId,
            1));
    assertEquals(graphBefore, graphFingerprint(root), "the graph is unchanged");
    assertEquals(after.size(), nodes(root).size());
    assertEquals(
        1,
        agent.of("sbuild").stream()
            .filter(a -> a.getWorkRequestId() == build.path("id").asLong())
            .count());
    assertEquals(List.of(), agent.failures);
    assertEquals(List.of(), signer.failures);
  }

  @Test
  void badTaskDataEndsTheWorkflowInErrorWithTheMessage() throws Exception {
    long root =
        createWorkflow(
            "sbuild",
            "{'input': {'source_artifact': '"
                + source
                + "@artifacts'}, 'target_distribution': 'debian', 'architectures': ['amd64']}");
    JsonNode done = client.awaitTerminal(root, WORKFLOW_TIMEOUT);
    assertEquals("completed", done.path("status").asText(), done::toString);
    assertEquals("error", done.path("result").asText(), done::toString);
    JsonNode error = done.path("output_data").path("errors").get(0);
    assertEquals("orchestration-failed", error.path("code").asText(), done::toString);
    assertTrue(error.path("message").asText().contains("target_distribution"), done::toString);
  }

  // --- helpers -----------------------------------------------------------------------------

  private static long createWorkflow(String name, String taskData) throws Exception {
    KilnClient.Reply r =
        client.createWorkRequest(
            ("{'task_type': 'workflow', 'task_name': '"
                    + name
                    + "', 'workspace': '"
                    + WS
                    + "', 'task_data': "
                    + taskData
                    + "}")
                .replace('\'', '"'));
    assertEquals(201, r.status(), () -> r.body().toString());
    return r.body().get("id").asLong();
  }

  private static JsonNode post(String path, String json) throws Exception {
    KilnClient.Reply r = client.postToArtifactService(path, json.replace('\'', '"'));
    assertEquals(201, r.status(), () -> path + ": " + r.body());
    return r.body();
  }

  /** The body of a 200 reply. */
  private static JsonNode ok(KilnClient.Reply r, String what) {
    assertEquals(200, r.status(), () -> what + ": " + r.body());
    return r.body();
  }

  private static JsonNode graph(long root) throws Exception {
    return ok(client.workflowGraph(root), "graph of " + root);
  }

  private static Map<String, JsonNode> nodes(long root) throws Exception {
    Map<String, JsonNode> out = new TreeMap<>();
    graph(root).path("nodes").forEach(n -> out.put(n.path("key").asText(), n));
    return out;
  }

  /** Ids, statuses, results and edges: what a repeated orchestration must not change. */
  private static String graphFingerprint(long root) throws Exception {
    JsonNode g = graph(root);
    List<String> parts = new ArrayList<>();
    g.path("nodes")
        .forEach(
            n ->
                parts.add(
                    n.path("id").asText()
                        + " "
                        + n.path("key").asText()
                        + " "
                        + n.path("status").asText()
                        + " "
                        + n.path("result").asText()));
    g.path("edges").forEach(e -> parts.add(e.toString()));
    parts.add(g.path("workflow").path("status").asText() + g.path("workflow").path("result"));
    return String.join("\n", parts);
  }

  /** The edges of the graph as {@code <key> -> <key>}. */
  private static List<String> edges(long root) throws Exception {
    List<String> out = new ArrayList<>();
    graph(root)
        .path("edges")
        .forEach(
            e -> out.add(e.path("work_request").asText() + " -> " + e.path("depends_on").asText()));
    return out;
  }

  /** Waits until the agent got a task of this name in the workflow; returns its work request. */
  private static long awaitAssignment(String taskName, long root) throws Exception {
    long deadline = System.nanoTime() + WORKFLOW_TIMEOUT.toNanos();
    while (true) {
      Map<String, JsonNode> nodes = nodes(root);
      for (Assignment a : agent.of(taskName)) {
        for (JsonNode n : nodes.values()) {
          if (n.path("id").asLong() == a.getWorkRequestId()) {
            return a.getWorkRequestId();
          }
        }
      }
      assertTrue(System.nanoTime() < deadline, () -> "no " + taskName + ": " + describe(root));
      Thread.sleep(200);
    }
  }

  private static Map<String, JsonNode> items(long root) throws Exception {
    Map<String, JsonNode> out = new TreeMap<>();
    ok(client.internalCollectionItems(root, WS), "internal collection of " + root)
        .forEach(i -> out.put(i.path("name").asText(), i));
    return out;
  }

  private static String describe(long root) {
    try {
      return graph(root).toString() + "\nitems: " + items(root);
    } catch (Exception | AssertionError e) {
      return "(no graph: " + e + ")";
    }
  }

  /** The first {@code count} events of the topic that match, as they were published. */
  private static List<ConsumerRecord<String, String>> events(
      java.util.function.Predicate<JsonNode> match, int count) throws Exception {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-workflow-" + System.nanoTime());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, String>> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (found.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (match.test(JSON.readTree(r.value()))) {
            found.add(r);
          }
        }
      }
    }
    assertEquals(count, found.size(), () -> "events found: " + found);
    return found;
  }

  /**
   * Publishes the records again, verbatim and with their keys, and waits until the workflow
   * service's orchestration group has committed past them: they were handled.
   */
  private static void redeliverAndAwait(List<ConsumerRecord<String, String>> records)
      throws Exception {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    Map<TopicPartition, Long> last = new LinkedHashMap<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (ConsumerRecord<String, String> r : records) {
        RecordMetadata m = producer.send(new ProducerRecord<>(TOPIC, r.key(), r.value())).get();
        last.merge(new TopicPartition(TOPIC, m.partition()), m.offset(), Math::max);
      }
    }
    awaitCommitted(last);
  }

  /** Waits until the orchestration group has committed past these records. */
  private static void awaitConsumed(List<ConsumerRecord<String, String>> records) throws Exception {
    Map<TopicPartition, Long> last = new LinkedHashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      last.merge(new TopicPartition(TOPIC, r.partition()), r.offset(), Math::max);
    }
    awaitCommitted(last);
  }

  private static void awaitCommitted(Map<TopicPartition, Long> last) throws Exception {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(config)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets("kiln-workflow-orchestrators")
                .partitionsToOffsetAndMetadata()
                .get();
        boolean past =
            last.entrySet().stream()
                .allMatch(
                    e ->
                        committed.get(e.getKey()) != null
                            && committed.get(e.getKey()).offset() > e.getValue());
        if (past) {
          return;
        }
        assertTrue(System.nanoTime() < deadline, () -> "not consumed: " + last + " " + committed);
        Thread.sleep(200);
      }
    }
  }
}

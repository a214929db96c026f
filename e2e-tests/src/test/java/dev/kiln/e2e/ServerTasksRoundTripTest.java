package dev.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.infra.InfraSettings;
import dev.kiln.infra.LocalInfra;
import dev.kiln.infra.Platform;
import dev.kiln.infra.PlatformSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #6 items 4 and 5 with every hop real: server work requests created on the scheduler are
 * prepared (input fields resolved by the artifact service), sent as {@code
 * work-request.server-task.v1} through Kafka to the workflow service's runners, run there against
 * the real artifact service and completed through the scheduler's API; a workflow started from a
 * template is created by the real scheduler, idempotently; a runner killed mid-run is taken over by
 * the restarted workflow service once its lease expires.
 */
class ServerTasksRoundTripTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Platform platform;
  private static Path runDir;
  private final String ws = "e2e-st-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void startPlatform() throws Exception {
    runDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "server-tasks-");
    platform =
        Platform.start(
            Platform.findRoot(),
            LocalInfra.shared().settings(),
            Platform.PortPlan.free(),
            PlatformSecrets.random(),
            runDir,
            false,
            // short leases: the test that kills the workflow service mid-run waits for one
            Map.of("KILN_SERVER_TASKS_LEASE", "5s", "KILN_SERVER_TASKS_LEASE_CHECK", "1s"));
  }

  @AfterAll
  static void stopPlatform() throws Exception {
    if (platform != null) {
      platform.close();
    }
  }

  private static String url(int port, String path) {
    return "http://127.0.0.1:" + port + path;
  }

  private static HttpResponse<String> send(String method, String url, String json, String key)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + platform.secrets().adminToken());
    if (key != null) {
      b.header("Idempotency-Key", key);
    }
    if (json != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json.replace('\'', '"')));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode ok(HttpResponse<String> r, int status) throws Exception {
    assertEquals(status, r.statusCode(), () -> r.uri() + ": " + r.body());
    return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
  }

  private static JsonNode artifactPost(String path, String json) throws Exception {
    return ok(send("POST", url(platform.ports().artifact(), path), json, null), 201);
  }

  private static JsonNode artifactGet(String path) throws Exception {
    return ok(send("GET", url(platform.ports().artifact(), path), null, null), 200);
  }

  private static long artifactWithFiles(String ws, String category, String data, Object... files)
      throws Exception {
    StringBuilder f = new StringBuilder("{");
    for (int i = 0; i < files.length; i += 2) {
      byte[] content = (byte[]) files[i + 1];
      f.append(i == 0 ? "" : ",")
          .append("'")
          .append(files[i])
          .append("': {'size': ")
          .append(content.length)
          .append(", 'sha256': '")
          .append(sha256(content))
          .append("'}");
    }
    f.append("}");
    long id =
        artifactPost(
                "/api/v1/artifacts",
                "{'category': '"
                    + category
                    + "', 'workspace': '"
                    + ws
                    + "', 'data': "
                    + data
                    + ", 'files': "
                    + f
                    + "}")
            .get("id")
            .asLong();
    for (int i = 0; i < files.length; i += 2) {
      HttpResponse<String> up =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          url(
                              platform.ports().artifact(),
                              "/api/v1/artifacts/" + id + "/files/" + files[i])))
                  .header("Authorization", "Bearer " + platform.secrets().adminToken())
                  .header("Content-Type", "application/octet-stream")
                  .PUT(HttpRequest.BodyPublishers.ofByteArray((byte[]) files[i + 1]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(up.statusCode() / 100 == 2, up::body);
    }
    return id;
  }

  private static byte[] download(long artifact, String path) throws Exception {
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        url(
                            platform.ports().artifact(),
                            "/api/v1/artifacts/" + artifact + "/files/" + path)))
                .header("Authorization", "Bearer " + platform.secrets().adminToken())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** Creates a server work request as an admin and waits until it is completed. */
  private JsonNode runServerTask(String taskName, String taskData) throws Exception {
    return awaitCompleted(createServerTask(taskName, taskData), taskName);
  }

  /** Creates a server work request as an admin; returns its id. */
  private long createServerTask(String taskName, String taskData) throws Exception {
    JsonNode created =
        ok(
            send(
                "POST",
                url(platform.ports().scheduler(), "/api/v1/work-requests"),
                "{'task_type': 'server', 'task_name': '"
                    + taskName
                    + "', 'workspace': '"
                    + ws
                    + "', 'task_data': "
                    + taskData
                    + "}",
                null),
            201);
    return created.get("id").asLong();
  }

  private static JsonNode awaitCompleted(long id, String taskName) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode wr =
          ok(
              send(
                  "GET",
                  url(platform.ports().scheduler(), "/api/v1/work-requests/" + id),
                  null,
                  null),
              200);
      if (wr.path("status").asText().equals("completed")) {
        return wr;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("server work request " + id + " (" + taskName + ") never completed");
  }

  @Test
  void aRunnerKilledMidRunIsTakenOverWhenItsLeaseExpiresAndEndsTheUnsafeTaskInError()
      throws Exception {
    byte[] dsc = "Format: 3.0 (quilt)\nSource: hello\n".getBytes(StandardCharsets.UTF_8);
    byte[] changes = ("Format: 1.8\nSource: hello\n" + ws + "\n").getBytes(StandardCharsets.UTF_8);
    long upload = sourceUpload(dsc, changes);
    Path queue = runDir.resolve("upload-queue").resolve(ws + "-killed");
    Files.createDirectories(queue);
    // packageupload downloads the first file to this name: a FIFO that nobody reads holds the run
    // there, mid-run, until its runner is killed
    Path fifo = queue.resolve(".hello_1.0-1.dsc.part");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    try {
      long id =
          createServerTask(
              "packageupload",
              "{'input': {'upload': '"
                  + upload
                  + "@artifacts'}, 'target': '"
                  + queue.toUri()
                  + "'}");
      String killed = awaitRun(id, "running").runner();

      platform.killAndRestart(Platform.WORKFLOW);

      JsonNode wr = awaitCompleted(id, "packageupload");
      assertEquals("error", wr.get("result").asText(), wr::toString);
      assertEquals(1, wr.get("attempt").asInt(), wr::toString);
      String reason = wr.path("output_data").path("error").asText();
      assertTrue(reason.contains(killed), reason);
      assertTrue(reason.contains("not run again"), reason);
      Run run = awaitRun(id, "reported");
      assertEquals(1, run.takeovers(), "taken over once");
      assertTrue(!run.runner().equals(killed), "by the restarted process: " + run.runner());
      assertTrue(!Files.exists(queue.resolve("hello_1.0-1.dsc")), "not uploaded");
      assertTrue(!Files.exists(queue.resolve("hello_1.0-1_source.changes")), "not uploaded");
    } finally {
      Files.deleteIfExists(fifo);
    }
    // the restarted runner runs new work
    assertEquals("success", runServerTask("servernoop", "{'result': true}").get("result").asText());
  }

  /** A {@code debian:upload} of hello 1.0-1 with these {@code .dsc} and {@code .changes}. */
  private long sourceUpload(byte[] dsc, byte[] changes) throws Exception {
    return artifactWithFiles(
        ws,
        "debian:upload",
        "{'type': 'dpkg', 'changes_fields': {'Architecture': 'source', 'Files':"
            + " [{'name': 'hello_1.0-1.dsc'}]}}",
        "hello_1.0-1.dsc",
        dsc,
        "hello_1.0-1_source.changes",
        changes);
  }

  /** A run as the workflow service recorded it. */
  private record Run(String state, String runner, int takeovers) {}

  /** Waits until the work request's run is in this state (read in the workflow schema). */
  private static Run awaitRun(long workRequestId, String state) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    try (Connection c =
            DriverManager.getConnection(
                LocalInfra.shared().settings().jdbcUrl(),
                InfraSettings.USER,
                InfraSettings.PASSWORD);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT state, runner, takeovers FROM workflow.server_task_run"
                    + " WHERE work_request_id = ?")) {
      s.setLong(1, workRequestId);
      Run last = null;
      while (System.currentTimeMillis() < deadline) {
        try (ResultSet r = s.executeQuery()) {
          if (r.next()) {
            last = new Run(r.getString(1), r.getString(2), r.getInt(3));
            if (last.state().equals(state)) {
              return last;
            }
          }
        }
        Thread.sleep(100);
      }
      throw new AssertionError("run of " + workRequestId + " never " + state + ": " + last);
    }
  }

  @Test
  void servernoopSucceedsOrFailsAsItsTaskDataSays() throws Exception {
    assertEquals("success", runServerTask("servernoop", "{'result': true}").get("result").asText());
    assertEquals(
        "failure", runServerTask("servernoop", "{'result': false}").get("result").asText());
    JsonNode raised = runServerTask("servernoop", "{'result': true, 'exception': true}");
    assertEquals("error", raised.get("result").asText());
    assertEquals(
        "IllegalStateException: Client requested an exception",
        raised.path("output_data").path("error").asText());
  }

  @Test
  void copycollectionitemsCopiesThroughTheArtifactService() throws Exception {
    long src =
        artifactPost(
                "/api/v1/collections",
                "{'name': 'src', 'category': 'kiln:generic', 'workspace': '" + ws + "'}")
            .get("id")
            .asLong();
    long dst =
        artifactPost(
                "/api/v1/collections",
                "{'name': 'dst', 'category': 'kiln:generic', 'workspace': '" + ws + "'}")
            .get("id")
            .asLong();
    long source =
        artifactWithFiles(
            ws,
            "debian:source-package",
            "{'name': 'hello', 'version': '1.0-1', 'type': 'dpkg', 'dsc_fields': {'Source': 'hello'}}");
    artifactPost(
        "/api/v1/collections/" + src + "/items",
        "{'name': 'hello', 'artifact_id': " + source + ", 'data': {'suite': 'unstable'}}");

    JsonNode wr =
        runServerTask(
            "copycollectionitems",
            "{'copies': [{'source_items': {'collection': 'src@kiln:generic'},"
                + " 'target_collection': 'dst@kiln:generic',"
                + " 'name_template': '{name}_{suite}'}]}");
    assertEquals("success", wr.get("result").asText(), wr::toString);
    assertEquals(1, wr.path("output_data").path("copied").asInt());
    JsonNode items = artifactGet("/api/v1/collections/" + dst + "/items");
    assertEquals(1, items.size());
    assertEquals("hello_unstable", items.get(0).get("name").asText());
    assertEquals(source, items.get(0).get("artifact_id").asLong());

    JsonNode failed =
        runServerTask(
            "copycollectionitems",
            "{'copies': [{'source_items': {'collection': 'nothing@kiln:generic'},"
                + " 'target_collection': 'dst@kiln:generic'}]}");
    assertEquals("error", failed.get("result").asText());
    assertEquals(
        "copies[0].source_items",
        failed.path("output_data").path("errors").path(0).path("field").asText(),
        failed::toString);
  }

  @Test
  void packageuploadPutsTheUploadIntoALocalQueueChangesLast() throws Exception {
    byte[] dsc = "Format: 3.0 (quilt)\nSource: hello\n".getBytes(StandardCharsets.UTF_8);
    byte[] changes = ("Format: 1.8\nSource: hello\n" + ws + "\n").getBytes(StandardCharsets.UTF_8);
    long upload = sourceUpload(dsc, changes);
    Path queue = runDir.resolve("upload-queue").resolve(ws);

    JsonNode wr =
        runServerTask(
            "packageupload",
            "{'input': {'upload': '"
                + upload
                + "@artifacts'}, 'target': '"
                + queue.toUri()
                + "', 'delayed_days': 2}");
    assertEquals("success", wr.get("result").asText(), wr::toString);
    Path delayed = queue.resolve("DELAYED/2-day");
    assertArrayEquals(dsc, Files.readAllBytes(delayed.resolve("hello_1.0-1.dsc")));
    assertArrayEquals(changes, Files.readAllBytes(delayed.resolve("hello_1.0-1_source.changes")));
    assertEquals(
        "hello_1.0-1_source.changes",
        wr.path("output_data").path("uploaded").path(1).asText(),
        "the .changes goes last");

    JsonNode outside =
        runServerTask(
            "packageupload",
            "{'input': {'upload': '" + upload + "@artifacts'}, 'target': 'file:///tmp/elsewhere'}");
    assertEquals("error", outside.get("result").asText());
    assertTrue(
        outside.path("output_data").path("error").asText().contains("outside the upload root"),
        outside::toString);
    JsonNode ftp =
        runServerTask(
            "packageupload",
            "{'input': {'upload': '"
                + upload
                + "@artifacts'}, 'target': 'ftp://ftp.upload.debian.org/pub/UploadQueue/'}");
    assertEquals("error", ftp.get("result").asText());
  }

  @Test
  void generatesuiteindexesWritesPackagesSourcesAndARelease() throws Exception {
    long suite =
        artifactPost(
                "/api/v1/collections",
                "{'name': 'kiln-test', 'category': 'debian:suite', 'workspace': '"
                    + ws
                    + "', 'data': {'codename': 'kiln-test'}}")
            .get("id")
            .asLong();
    byte[] dsc = "Format: 3.0 (native)\nSource: hello\n".getBytes(StandardCharsets.UTF_8);
    byte[] deb = ("!<arch>\n" + ws).getBytes(StandardCharsets.UTF_8);
    long source =
        artifactWithFiles(
            ws,
            "debian:source-package",
            "{'name': 'hello', 'version': '1.0', 'type': 'dpkg', 'dsc_fields': {'Source': 'hello',"
                + " 'Version': '1.0', 'Binary': 'hello', 'Maintainer': 'Kiln <kiln@example.org>'}}",
            "hello_1.0.dsc",
            dsc);
    long binary =
        artifactWithFiles(
            ws,
            "debian:binary-package",
            "{'srcpkg_name': 'hello', 'srcpkg_version': '1.0', 'deb_control_files': ['control'],"
                + " 'deb_fields': {'Package': 'hello', 'Version': '1.0', 'Architecture': 'amd64',"
                + " 'Description': 'greets\\n the world'}}",
            "hello_1.0_amd64.deb",
            deb);
    artifactPost(
        "/api/v1/collections/" + suite + "/items",
        "{'name': 'hello_1.0', 'artifact_id': " + source + ", 'data': {'component': 'main'}}");
    artifactPost(
        "/api/v1/collections/" + suite + "/items",
        "{'name': 'hello_1.0_amd64', 'artifact_id': "
            + binary
            + ", 'data': {'component': 'main'}}");

    JsonNode wr =
        runServerTask(
            "generatesuiteindexes",
            "{'suite_collection': 'kiln-test@debian:suite', 'generate_at': '"
                + Instant.now()
                + "'}");
    assertEquals("success", wr.get("result").asText(), wr::toString);
    JsonNode indexes = wr.path("output_data").path("indexes");
    long packagesId = -1;
    long releaseId = -1;
    for (JsonNode i : indexes) {
      if (i.path("path").asText().equals("dists/kiln-test/main/binary-amd64/Packages")) {
        packagesId = i.path("artifact_id").asLong();
      }
      if (i.path("path").asText().equals("dists/kiln-test/Release")) {
        releaseId = i.path("artifact_id").asLong();
      }
    }
    assertTrue(packagesId > 0 && releaseId > 0, indexes::toString);
    byte[] packages = download(packagesId, "Packages");
    String p = new String(packages, StandardCharsets.UTF_8);
    assertTrue(p.startsWith("Package: hello\n"), p);
    assertTrue(p.contains("Filename: pool/main/h/hello/hello_1.0_amd64.deb\n"), p);
    assertTrue(p.contains("SHA256: " + sha256(deb) + "\n"), p);
    assertTrue(p.contains("Description: greets\n the world\n"), p);
    String release = new String(download(releaseId, "Release"), StandardCharsets.UTF_8);
    assertTrue(
        release.contains(
            " " + sha256(packages) + " " + packages.length + " main/binary-amd64/Packages\n"),
        release);
    assertTrue(release.contains("main/source/Sources\n"), release);
    JsonNode index = artifactGet("/api/v1/artifacts/" + packagesId);
    assertEquals("debian:repository-index", index.get("category").asText());
    JsonNode items = artifactGet("/api/v1/collections/" + suite + "/items");
    assertTrue(items.toString().contains("\"index:Release\""), items::toString);
  }

  @Test
  void aWorkflowStartedFromATemplateIsCreatedByTheSchedulerOnce() throws Exception {
    ok(
        send(
            "POST",
            url(platform.ports().workflow(), "/api/v1/workspaces/" + ws + "/workflow-templates"),
            "{'name': 'nothing', 'task_name': 'noop', 'task_data': {}}",
            null),
        201);
    String start = "{'template': 'nothing', 'task_data': {}}";
    JsonNode first =
        ok(
            send(
                "POST",
                url(platform.ports().workflow(), "/api/v1/workspaces/" + ws + "/workflows"),
                start,
                "k1"),
            201);
    JsonNode again =
        ok(
            send(
                "POST",
                url(platform.ports().workflow(), "/api/v1/workspaces/" + ws + "/workflows"),
                start,
                "k1"),
            200);
    assertEquals(first.get("id").asLong(), again.get("id").asLong());
    JsonNode wr =
        ok(
            send(
                "GET",
                url(
                    platform.ports().scheduler(),
                    "/api/v1/work-requests/" + first.get("id").asLong()),
                null,
                null),
            200);
    assertEquals("workflow", wr.get("task_type").asText());
    assertEquals("noop", wr.get("task_name").asText());
    assertEquals(ws, wr.get("workspace").asText());
    assertEquals("nothing", wr.path("workflow_data").path("workflow_template_name").asText());
  }
}

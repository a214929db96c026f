package dev.kiln.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local platform, for {@code scripts/kiln}: {@code up} starts PostgreSQL and Kafka, the three
 * services and one worker agent, runs the sample and leaves everything running; {@code down} stops
 * it all; {@code status} shows what runs.
 */
public final class PlatformMain {

  private static final List<String> STOP_ORDER =
      List.of(Platform.AGENT, Platform.WORKFLOW, Platform.ARTIFACT, Platform.SCHEDULER, "infra");

  private PlatformMain() {}

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "up" : args[0];
    Path root = Platform.findRoot();
    Path kiln = root.resolve(".kiln");
    Path runDir = kiln.resolve("run");
    int code =
        switch (command) {
          case "up" -> up(root, kiln, runDir);
          case "down" -> down(runDir);
          case "status" -> status(runDir);
          case "sample" -> sample(client(kiln));
          default -> {
            System.err.println("usage: scripts/kiln [up|down|status|sample]");
            yield 2;
          }
        };
    System.exit(code);
  }

  private static int up(Path root, Path kiln, Path runDir) throws Exception {
    if (!running(runDir).isEmpty()) {
      System.err.println(
          "kiln: the platform is already running ("
              + running(runDir)
              + "); run scripts/kiln down first");
      return 2;
    }
    long t0 = System.nanoTime();
    Files.createDirectories(runDir);
    PlatformSecrets secrets = PlatformSecrets.loadOrCreate(kiln.resolve("secrets.properties"));
    Path infraDir = kiln.resolve("infra");
    InfraSettings infra = InfraSettings.localPlatform(infraDir);

    System.out.println("kiln: starting PostgreSQL and Kafka ...");
    long infraPid = startInfra(infraDir, runDir);
    System.out.println(
        "kiln: starting scheduler, artifact and workflow services, then one worker agent ...");
    Platform platform;
    try {
      platform = Platform.start(root, infra, Platform.PortPlan.local(), secrets, runDir);
    } catch (Exception e) {
      ProcessHandle.of(infraPid).ifPresent(ServiceProcess::stop);
      System.err.println("kiln: start-up failed: " + e.getMessage());
      return 1;
    }
    System.out.println();
    System.out.printf("%-18s %7s %10s %9s%n", "process", "pid", "start (s)", "RSS (MiB)");
    for (ServiceProcess p : platform.processes()) {
      System.out.printf(
          "%-18s %7d %10.1f %9s%n",
          p.name(), p.pid(), p.readyMillis() / 1000.0, p.rssMib().map(String::valueOf).orElse("?"));
    }
    System.out.println();
    int sample = sample(platform.client());
    Platform.PortPlan ports = platform.ports();
    System.out.printf(
        """

        Kiln is running (%.1f s to start and run the sample).
          scheduler API   http://127.0.0.1:%d/api/v1/work-requests   (gRPC for agents on the same port)
          artifacts API   http://127.0.0.1:%d/api/v1/artifacts
          workflow API    http://127.0.0.1:%d/api/v1/work-requests/{id}/completions
          health          http://127.0.0.1:%d/q/health  (likewise on every port)
          metrics         http://127.0.0.1:%d/q/metrics (Prometheus, on every port)
          OpenAPI         http://127.0.0.1:%d/q/openapi
          admin token     %s   (send as 'Authorization: Bearer <token>'; kept in .kiln/secrets.properties)
          logs            %s
        Stop it with: scripts/kiln down
        """,
        (System.nanoTime() - t0) / 1e9,
        ports.scheduler(),
        ports.artifact(),
        ports.workflow(),
        ports.scheduler(),
        ports.scheduler(),
        ports.scheduler(),
        secrets.adminToken(),
        runDir);
    sampleUserToken(platform.client(), kiln);
    return sample;
  }

  /**
   * Has the scheduler issue a token for a sample user, contributor of the {@code System} workspace,
   * and keeps it (mode 600) in {@code .kiln/user-token}.
   */
  private static void sampleUserToken(KilnClient client, Path kiln) {
    try {
      KilnClient.Reply issued =
          client.issueUserToken(
              "{\"user\":\"demo\",\"workspaces\":{\"System\":\"contributor\"},"
                  + "\"expires_in\":\"P30D\"}");
      if (issued.status() != 201 || issued.body() == null) {
        System.out.println("  user token      not issued: HTTP " + issued.status());
        return;
      }
      Path file = kiln.resolve("user-token");
      Files.deleteIfExists(file);
      Files.createFile(
          file,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, issued.body().path("token").asText() + "\n");
      System.out.println(
          "  user token      .kiln/user-token (user demo, contributor of workspace System,"
              + " until "
              + issued.body().path("expires_at").asText()
              + ")");
    } catch (IOException e) {
      System.out.println("  user token      not issued: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Submits a noop work request of each result and shows what became of it. */
  static int sample(KilnClient client) throws IOException, InterruptedException {
    int failures = 0;
    System.out.println("sample: two worker/noop work requests, one succeeding and one failing");
    for (boolean result : new boolean[] {true, false}) {
      KilnClient.Reply created =
          client.createWorkRequest(
              "{\"task_type\":\"worker\",\"task_name\":\"noop\",\"task_data\":{\"result\":"
                  + result
                  + "}}");
      if (created.status() != 201) {
        System.out.println("  could not create the work request: " + created.body());
        failures++;
        continue;
      }
      long id = created.body().get("id").asLong();
      JsonNode done = client.awaitTerminal(id, Duration.ofSeconds(60));
      String expected = result ? "success" : "failure";
      String outcome = done.path("status").asText() + "/" + done.path("result").asText();
      JsonNode artifacts = done.path("output_data").path("artifacts");
      String log = "none";
      if (artifacts.isArray() && !artifacts.isEmpty()) {
        long artifactId = artifacts.get(0).asLong();
        JsonNode artifact = client.artifact(artifactId).body();
        String declared = artifact.path("files").path("noop.log").path("sha256").asText();
        KilnClient.Download download = client.download(artifactId, "noop.log");
        log =
            "artifact "
                + artifactId
                + " ("
                + download.bytes().length
                + " bytes, sha256 "
                + (declared.equals(download.sha256()) ? "verified" : "MISMATCH")
                + ")";
        if (!declared.equals(download.sha256())) {
          failures++;
        }
      } else {
        failures++;
      }
      int seen = 0;
      for (int i = 0; i < 100 && seen == 0; i++) {
        JsonNode completions = client.completionsSeenByWorkflowService(id).body();
        seen = completions == null ? 0 : completions.size();
        if (seen == 0) {
          Thread.sleep(100);
        }
      }
      boolean ok = outcome.equals("completed/" + expected) && seen == 1;
      if (!ok) {
        failures++;
      }
      System.out.printf(
          "  work request %d: %s (expected %s); log %s; completion event seen by the workflow service: %s%n",
          id, outcome, expected, log, seen == 1 ? "yes" : "no (" + seen + ")");
    }
    System.out.println(failures == 0 ? "sample: OK" : "sample: FAILED");
    return failures == 0 ? 0 : 1;
  }

  private static KilnClient client(Path kiln) throws IOException {
    return Platform.client(
        Platform.PortPlan.local(),
        PlatformSecrets.loadOrCreate(kiln.resolve("secrets.properties")));
  }

  private static long startInfra(Path infraDir, Path runDir)
      throws IOException, InterruptedException {
    Path ready = infraDir.resolve("infra.ready");
    Files.deleteIfExists(ready);
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m",
            "-XX:+UseSerialGC",
            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
            "-cp",
            System.getProperty("java.class.path"),
            InfraMain.class.getName(),
            infraDir.toString());
    Path log = runDir.resolve("infra.log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Files.writeString(runDir.resolve("infra.pid"), Long.toString(p.pid()));
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(ready)) {
        return p.pid();
      }
      if (!p.isAlive()) {
        throw new IOException("the infrastructure did not start:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
    p.destroy();
    throw new IOException(
        "the infrastructure was not ready within 120 s:\n" + Files.readString(log));
  }

  private static int down(Path runDir) throws IOException {
    List<String> stopped = new ArrayList<>();
    for (String name : STOP_ORDER) {
      Path pidFile = runDir.resolve((name.equals("infra") ? "infra" : name) + ".pid");
      Optional<ProcessHandle> handle = handle(pidFile);
      if (handle.isPresent()) {
        ServiceProcess.stop(handle.get());
        stopped.add(name);
      }
      Files.deleteIfExists(pidFile);
    }
    System.out.println(
        stopped.isEmpty() ? "kiln: nothing was running" : "kiln: stopped " + stopped);
    return 0;
  }

  private static int status(Path runDir) throws IOException {
    List<String> running = running(runDir);
    System.out.println(running.isEmpty() ? "kiln: not running" : "kiln: running " + running);
    return running.isEmpty() ? 3 : 0;
  }

  private static List<String> running(Path runDir) throws IOException {
    List<String> running = new ArrayList<>();
    for (String name : STOP_ORDER) {
      Optional<ProcessHandle> h = handle(runDir.resolve(name + ".pid"));
      if (h.isPresent()) {
        running.add(name + " (pid " + h.get().pid() + ")");
      }
    }
    return running;
  }

  private static Optional<ProcessHandle> handle(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    try {
      return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
          .filter(ProcessHandle::isAlive);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}

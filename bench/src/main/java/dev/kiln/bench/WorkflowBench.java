package dev.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.scheduler.v1.AgentMessage;
import dev.kiln.api.scheduler.v1.Assignment;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestRequest;
import dev.kiln.api.scheduler.v1.CompleteWorkRequestResponse;
import dev.kiln.api.scheduler.v1.Hello;
import dev.kiln.api.scheduler.v1.RegisterRequest;
import dev.kiln.api.scheduler.v1.RegisterResponse;
import dev.kiln.api.scheduler.v1.ServerMessage;
import dev.kiln.api.scheduler.v1.WorkResult;
import dev.kiln.api.scheduler.v1.WorkerAgentServiceGrpc;
import dev.kiln.infra.InfraSettings;
import dev.kiln.infra.LocalInfra;
import dev.kiln.infra.Platform;
import dev.kiln.infra.PlatformSecrets;
import dev.kiln.infra.Ports;
import dev.kiln.infra.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wall time to create, orchestrate and drain one workflow of N children with noop agents, through
 * the three packaged services, PostgreSQL and Kafka: a {@code debian_pipeline} of N architectures
 * (QA off) is a root, an {@code sbuild} sub-workflow entered and left through two synchronization
 * points (fan-out, fan-in) and N builds, each with a promise in the internal collection. The agents
 * report success as soon as a build is assigned. The clock runs from the creation of the workflow
 * to its end; set-up (environments for N architectures, agents) is not timed.
 *
 * <p>Ends with {@code children=N wall_s=N peak_rss_mb=N} (peak RSS of the workflow service).
 */
public final class WorkflowBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private WorkflowBench() {}

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    int n = quick ? 1_000 : 10_000;
    int agents = 4;
    int concurrency = 64;
    System.out.println("bench: load average at start " + SchedulerBench.loadAverage());
    Path root = Platform.findRoot();
    Path dir = Files.createDirectories(root.resolve("bench/target/workflow-run"));
    try (LocalInfra infra = LocalInfra.start(InfraSettings.ephemeral(dir.resolve("infra")))) {
      PlatformSecrets secrets = PlatformSecrets.random();
      Map<String, String> common = Platform.serviceEnvironment(infra.settings(), secrets);
      int schedulerPort = Ports.free();
      int artifactPort = Ports.free();
      int workflowPort = Ports.free();
      Map<String, String> scheduler = new HashMap<>(common);
      scheduler.put("KILN_SCHEDULER_PORT", String.valueOf(schedulerPort));
      scheduler.put("KILN_ARTIFACT_URL", "http://127.0.0.1:" + artifactPort);
      scheduler.put("KILN_LEASE_DURATION", "600s");
      // Preparation resolves two lookups per build, a pass's lookups in one call that reads the
      // environments set-based: passes of 250 keep the dispatcher fed while the next is prepared.
      scheduler.put("KILN_SCHEDULER_PREPARATION_BATCH_SIZE", "250");
      scheduler.put("KILN_SCHEDULER_LOOKUP_TIMEOUT", "30s");
      // The bench's N builds have N distinct architectures, so N tag classes and agents that each
      // provide N arch: tags: the dashboards' gauges (DispatchMetrics, one row per required tag
      // set and per arch: tag) would have 4N rows, re-registered every 10 s, which took 17% of the
      // scheduler's CPU in a 10,000-build run. A real deployment has a dozen architectures; sample
      // them once a minute here.
      scheduler.put("KILN_SCHEDULER_QUEUE_METRICS_INTERVAL", "60s");
      Map<String, String> artifact = new HashMap<>(common);
      artifact.put("KILN_ARTIFACT_PORT", String.valueOf(artifactPort));
      artifact.put("KILN_ARTIFACT_STORE_DIR", dir.resolve("artifact-store").toString());
      Map<String, String> workflow = new HashMap<>(common);
      workflow.put("KILN_WORKFLOW_PORT", String.valueOf(workflowPort));
      workflow.put("KILN_SCHEDULER_URL", "http://127.0.0.1:" + schedulerPort);
      workflow.put("KILN_ARTIFACT_URL", "http://127.0.0.1:" + artifactPort);
      try (ServiceProcess s =
              ServiceProcess.start(
                  root, Platform.SCHEDULER, schedulerPort, scheduler, dir, jvm(dir, "scheduler"));
          ServiceProcess a =
              ServiceProcess.start(
                  root, Platform.ARTIFACT, artifactPort, artifact, dir, jvm(dir, "artifact"));
          ServiceProcess w =
              ServiceProcess.start(
                  root, Platform.WORKFLOW, workflowPort, workflow, dir, jvm(dir, "workflow"))) {
        for (ServiceProcess p : List.of(s, a, w)) {
          p.awaitReady(Duration.ofSeconds(240));
        }
        String admin = secrets.adminToken();
        String ws = "bench-workflow";
        String art = "http://127.0.0.1:" + artifactPort;
        long source =
            post(
                    art + "/api/v1/artifacts",
                    admin,
                    "{'category': 'debian:source-package', 'workspace': '"
                        + ws
                        + "', 'data': {'name': 'hello', 'version': '2.10-3', 'type': 'dpkg',"
                        + " 'dsc_fields': {'Source': 'hello'}}}")
                .get("id")
                .asLong();
        long tarball =
            post(
                    art + "/api/v1/artifacts",
                    admin,
                    "{'category': 'debian:system-tarball', 'workspace': '"
                        + ws
                        + "', 'data': {'filename': 'system.tar.zst', 'codename': 'bookworm',"
                        + " 'architecture': 'amd64', 'vendor': 'debian', 'variant': 'buildd',"
                        + " 'mirror': 'http://deb.debian.org/debian', 'components': ['main'],"
                        + " 'pkglist': {}, 'with_dev': true, 'with_init': false}}")
                .get("id")
                .asLong();
        long environments =
            post(
                    art + "/api/v1/collections",
                    admin,
                    "{'name': 'debian', 'category': 'debian:environments', 'workspace': '"
                        + ws
                        + "'}")
                .get("id")
                .asLong();
        List<String> architectures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          architectures.add(String.format("bench%05d", i));
        }
        long setup = System.nanoTime();
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<?>> items = new ArrayList<>();
        for (String arch : architectures) {
          inFlight.acquire();
          items.add(
              HTTP.sendAsync(
                      request(
                          art + "/api/v1/collections/" + environments + "/items",
                          admin,
                          "{'artifact_id': "
                              + tarball
                              + ", 'data': {'codename': 'bookworm', 'architecture': '"
                              + arch
                              + "', 'variant': 'sbuild', 'backend': 'unshare'}}"),
                      HttpResponse.BodyHandlers.ofString())
                  .whenComplete((r, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(items.toArray(CompletableFuture[]::new)).join();
        System.out.printf(
            "bench: set-up: %d environments in %.1f s%n", n, (System.nanoTime() - setup) / 1e9);

        List<String> tags = new ArrayList<>();
        tags.addAll(List.of("task:worker:sbuild:v1", "executor:unshare", "tool:sbuild"));
        architectures.forEach(x -> tags.add("arch:" + x));
        AtomicLong assigned = new AtomicLong();
        Map<Long, Integer> assignments = new ConcurrentHashMap<>();
        AtomicLong failures = new AtomicLong();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
          channels.add(
              agent(
                  schedulerPort,
                  secrets.registrationToken(),
                  "bench-agent-" + i,
                  concurrency,
                  tags,
                  assigned,
                  assignments,
                  failures));
        }

        String sched = "http://127.0.0.1:" + schedulerPort;
        StringBuilder archJson = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
          archJson.append(i == 0 ? "" : ",").append('"').append(architectures.get(i)).append('"');
        }
        archJson.append(']');
        double[] cpuBefore = {cpu(s.pid()), cpu(a.pid()), cpu(w.pid())};
        long t0 = System.nanoTime();
        long id =
            post(
                    sched + "/api/v1/work-requests",
                    admin,
                    ("{'task_type': 'workflow', 'task_name': 'debian_pipeline', 'workspace': '"
                            + ws
                            + "', 'task_data': {'source_artifact': '"
                            + source
                            + "@artifacts', 'codename': 'bookworm', 'enable_qa': false,"
                            + " 'architectures': ")
                        + archJson
                        + "}}")
                .get("id")
                .asLong();
        JsonNode done = null;
        long lastReport = t0;
        long deadline = t0 + Duration.ofMinutes(quick ? 10 : 30).toNanos();
        while (System.nanoTime() < deadline) {
          JsonNode wr;
          try {
            wr = get(sched + "/api/v1/work-requests/" + id, admin);
          } catch (IllegalStateException e) {
            System.out.println("bench:   poll failed (" + e.getMessage() + "); polling on");
            Thread.sleep(1_000);
            continue;
          }
          String status = wr.path("status").asText();
          if (status.equals("completed") || status.equals("aborted")) {
            done = wr;
            break;
          }
          if (System.nanoTime() - lastReport > 10e9) {
            lastReport = System.nanoTime();
            System.out.printf(
                "bench:   %.0f s: %d builds assigned, workflow service RSS %s MiB%n",
                (lastReport - t0) / 1e9, assigned.get(), w.rssMib().orElse(-1L));
          }
          Thread.sleep(250);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double[] cpuUsed = {
          cpu(s.pid()) - cpuBefore[0], cpu(a.pid()) - cpuBefore[1], cpu(w.pid()) - cpuBefore[2]
        };
        long peak = w.peakRssMib().orElse(-1L);
        if (done == null) {
          System.out.println("bench: the workflow did not finish; logs in " + dir);
        }
        JsonNode graph = get(sched + "/api/v1/workflows/" + id + "/graph", admin);
        int children = graph.path("nodes").size();
        // Every child completed exactly once: counts through the API, by task type and end.
        Map<String, Integer> ends = new java.util.TreeMap<>();
        int superseded = 0;
        for (JsonNode node : graph.path("nodes")) {
          if (node.path("id").asLong() == id) {
            children--; // the root itself, if the view lists it
            continue;
          }
          if (node.hasNonNull("superseded_by")) {
            superseded++;
          }
          ends.merge(
              node.path("task_type").asText()
                  + ":"
                  + node.path("status").asText()
                  + "/"
                  + node.path("result").asText(),
              1,
              Integer::sum);
        }
        long twice = assignments.values().stream().filter(c -> c > 1).count();
        int builds = ends.getOrDefault("worker:completed/success", 0);
        boolean ok =
            done != null
                && "success".equals(done.path("result").asText())
                && children == n + 3
                && builds == n
                && assignments.size() == n
                && twice == 0
                && superseded == 0
                && ends.values().stream().mapToInt(Integer::intValue).sum() == children
                && ends.entrySet().stream()
                    .allMatch(e -> e.getKey().endsWith(":completed/success"));
        System.out.printf(
            "bench: children by type and end %s; %d work requests assigned (%d more than once),"
                + " %d superseded: %s%n",
            ends,
            assignments.size(),
            twice,
            superseded,
            ok ? "every child completed once" : "CHECK FAILED");
        System.out.printf(
            "bench: workflow %d %s/%s: %d children (%d builds, %d assigned, %d reports retried)"
                + " in %.1f s%n",
            id,
            done == null ? "unfinished" : done.path("status").asText(),
            done == null ? "" : done.path("result").asText(),
            children,
            n,
            assigned.get(),
            failures.get(),
            wall);
        System.out.printf(
            "bench: peak RSS (MiB): workflow service %d, scheduler %d, artifact service %d%n",
            peak, s.peakRssMib().orElse(-1L), a.peakRssMib().orElse(-1L));
        System.out.printf(
            "bench: CPU s from creation to end: scheduler %.1f, artifact service %.1f, workflow"
                + " service %.1f (%.2f ms per child in all)%n",
            cpuUsed[0],
            cpuUsed[1],
            cpuUsed[2],
            (cpuUsed[0] + cpuUsed[1] + cpuUsed[2]) * 1000 / Math.max(1, children));
        System.out.println("bench: load average at end " + SchedulerBench.loadAverage());
        for (ManagedChannel c : channels) {
          c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        RETRIES.shutdownNow();
        System.out.printf("children=%d wall_s=%.1f peak_rss_mb=%d%n", children, wall, peak);
      }
    }
  }

  /**
   * The services' JVM options; with {@code KILN_BENCH_JFR=1} each records a flight recording
   * ({@code <run dir>/<service>.jfr}, profiling settings) for {@code jfr print --events
   * jdk.ExecutionSample}.
   */
  private static List<String> jvm(Path dir, String service) {
    List<String> jvm = new ArrayList<>(List.of("-Xmx768m", "-XX:+UseSerialGC"));
    if ("1".equals(System.getenv("KILN_BENCH_JFR"))) {
      jvm.add(
          "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
              + dir.resolve(service + ".jfr"));
    }
    return jvm;
  }

  /** A registered agent that completes every assignment with success at once. */
  private static ManagedChannel agent(
      int port,
      String registrationToken,
      String name,
      int concurrency,
      List<String> tags,
      AtomicLong assigned,
      Map<Long, Integer> assignments,
      AtomicLong failures) {
    ManagedChannel ch =
        ManagedChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .maxInboundMessageSize(16 << 20)
            .build();
    RegisterResponse registered =
        WorkerAgentServiceGrpc.newBlockingStub(ch)
            .register(
                RegisterRequest.newBuilder()
                    .setRegistrationToken(registrationToken)
                    .setName(name)
                    .setWorkerType("worker")
                    .build());
    Metadata md = new Metadata();
    md.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + registered.getWorkerToken());
    WorkerAgentServiceGrpc.WorkerAgentServiceStub stub =
        WorkerAgentServiceGrpc.newStub(ch)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    StreamObserver<AgentMessage> out =
        stub.connect(
            new StreamObserver<>() {
              @Override
              public void onNext(ServerMessage m) {
                if (!m.hasAssignment()) {
                  return;
                }
                Assignment a = m.getAssignment();
                assigned.incrementAndGet();
                assignments.merge(a.getWorkRequestId(), 1, Integer::sum);
                report(stub, a, 0, failures);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    Hello.Builder hello =
        Hello.newBuilder().setConcurrency(concurrency).setAgentVersion("bench-noop");
    tags.forEach(hello::addProvidedTags);
    out.onNext(AgentMessage.newBuilder().setHello(hello).build());
    return ch;
  }

  private static final java.util.concurrent.ScheduledExecutorService RETRIES =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

  /** Reports success; a failed report is sent again (as the real agent does), up to 30 times. */
  private static void report(
      WorkerAgentServiceGrpc.WorkerAgentServiceStub stub,
      Assignment a,
      int attempt,
      AtomicLong failures) {
    stub.completeWorkRequest(
        CompleteWorkRequestRequest.newBuilder()
            .setWorkRequestId(a.getWorkRequestId())
            .setAttempt(a.getAttempt())
            .setResult(WorkResult.WORK_RESULT_SUCCESS)
            .build(),
        new StreamObserver<CompleteWorkRequestResponse>() {
          @Override
          public void onNext(CompleteWorkRequestResponse r) {}

          @Override
          public void onError(Throwable t) {
            failures.incrementAndGet();
            if (attempt < 30) {
              RETRIES.schedule(
                  () -> report(stub, a, attempt + 1, failures), 500, TimeUnit.MILLISECONDS);
            }
          }

          @Override
          public void onCompleted() {}
        });
  }

  /** CPU seconds (user + system) a process used so far, from {@code /proc/<pid>/stat}. */
  private static double cpu(long pid) throws java.io.IOException {
    String line = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  private static HttpRequest request(String url, String token, String json) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json.replace('\'', '"')))
        .build();
  }

  private static JsonNode post(String url, String token, String json) throws Exception {
    HttpResponse<String> r =
        HTTP.send(request(url, token, json), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static JsonNode get(String url, String token) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }
}

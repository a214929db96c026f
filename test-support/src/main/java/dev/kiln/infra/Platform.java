package dev.kiln.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kiln services and one worker agent, each a real process from its packaged jar, pointed at a
 * running PostgreSQL and Kafka. Serves the local platform ({@link PlatformMain}) and the end-to-end
 * tests.
 */
public final class Platform implements AutoCloseable {

  /** Module names, in start order. */
  public static final String SCHEDULER = "scheduler-service";

  public static final String ARTIFACT = "artifact-service";
  public static final String WORKFLOW = "workflow-service";
  public static final String AGENT = "worker-agent";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  /**
   * HTTP ports of the processes.
   *
   * @param scheduler scheduler REST and gRPC
   * @param artifact artifact service REST
   * @param workflow workflow service REST
   * @param agent worker agent health and metrics
   */
  public record PortPlan(int scheduler, int artifact, int workflow, int agent) {

    /** KILN_*_PORT or 8081 to 8084. */
    public static PortPlan local() {
      return new PortPlan(
          env("KILN_SCHEDULER_PORT", 8081),
          env("KILN_ARTIFACT_PORT", 8082),
          env("KILN_WORKFLOW_PORT", 8083),
          env("KILN_AGENT_PORT", 8084));
    }

    public static PortPlan free() {
      return new PortPlan(Ports.free(), Ports.free(), Ports.free(), Ports.free());
    }

    private static int env(String name, int fallback) {
      String v = System.getenv(name);
      return v == null || v.isBlank() ? fallback : Integer.parseInt(v.strip());
    }
  }

  private final PortPlan ports;
  private final PlatformSecrets secrets;
  private final List<ServiceProcess> processes;
  private final Path root;
  private final Path runDir;
  private final Map<String, Map<String, String>> environments;

  private Platform(
      PortPlan ports,
      PlatformSecrets secrets,
      List<ServiceProcess> processes,
      Path root,
      Path runDir,
      Map<String, Map<String, String>> environments) {
    this.ports = ports;
    this.secrets = secrets;
    this.processes = processes;
    this.root = root;
    this.runDir = runDir;
    this.environments = environments;
  }

  /**
   * Kills a service (SIGKILL, as a crash) and starts it again on the same port, database and
   * environment; the new process replaces the old one in {@link #processes}.
   */
  public ServiceProcess killAndRestart(String module) throws IOException, InterruptedException {
    Map<String, String> env = environments.get(module);
    if (env == null) {
      throw new IllegalArgumentException(module + " is not a service of the platform");
    }
    ServiceProcess old = process(module);
    old.kill();
    ServiceProcess restarted =
        ServiceProcess.start(
                root, module, old.port(), env, runDir.resolve("restarted-" + System.nanoTime()))
            .awaitReady(READY_TIMEOUT);
    processes.set(processes.indexOf(old), restarted);
    return restarted;
  }

  /** Starts the three services, then the agent, and waits for each to be ready. */
  public static Platform start(
      Path root, InfraSettings infra, PortPlan ports, PlatformSecrets secrets, Path runDir)
      throws IOException, InterruptedException {
    return start(root, infra, ports, secrets, runDir, true);
  }

  /**
   * Starts the three services and, if asked, the agent (a test that speaks the agent protocol
   * itself starts none), and waits for each to be ready.
   */
  public static Platform start(
      Path root,
      InfraSettings infra,
      PortPlan ports,
      PlatformSecrets secrets,
      Path runDir,
      boolean withAgent)
      throws IOException, InterruptedException {
    return start(root, infra, ports, secrets, runDir, withAgent, Map.of());
  }

  /**
   * Starts the platform, the workflow service with these variables on top of its own (e.g. short
   * server-task leases for a test that kills it).
   */
  public static Platform start(
      Path root,
      InfraSettings infra,
      PortPlan ports,
      PlatformSecrets secrets,
      Path runDir,
      boolean withAgent,
      Map<String, String> workflowExtra)
      throws IOException, InterruptedException {
    Map<String, String> common = serviceEnvironment(infra, secrets);

    List<ServiceProcess> started = new ArrayList<>();
    try {
      Map<String, String> scheduler = new HashMap<>(common);
      scheduler.put("KILN_SCHEDULER_PORT", String.valueOf(ports.scheduler()));
      // task preparation resolves input fields through the artifact service's lookup API
      scheduler.put("KILN_ARTIFACT_URL", "http://127.0.0.1:" + ports.artifact());
      Map<String, String> artifact = new HashMap<>(common);
      artifact.put("KILN_ARTIFACT_PORT", String.valueOf(ports.artifact()));
      Path store = runDir.resolve("artifact-store");
      Files.createDirectories(store);
      artifact.put("KILN_ARTIFACT_STORE_DIR", store.toString());
      Map<String, String> workflow = new HashMap<>(common);
      workflow.put("KILN_WORKFLOW_PORT", String.valueOf(ports.workflow()));
      // templates start workflows and server-task runners report through the scheduler's API, and
      // the runners read and write artifacts and collections
      workflow.put("KILN_SCHEDULER_URL", "http://127.0.0.1:" + ports.scheduler());
      workflow.put("KILN_ARTIFACT_URL", "http://127.0.0.1:" + ports.artifact());
      Path uploadQueue = runDir.resolve("upload-queue");
      Files.createDirectories(uploadQueue);
      workflow.put("KILN_UPLOAD_QUEUE_ROOT", uploadQueue.toString());
      workflow.putAll(workflowExtra);

      // Start the three services together (they do not depend on each other to boot), then
      // wait for each.
      started.add(ServiceProcess.start(root, SCHEDULER, ports.scheduler(), scheduler, runDir));
      started.add(ServiceProcess.start(root, ARTIFACT, ports.artifact(), artifact, runDir));
      started.add(ServiceProcess.start(root, WORKFLOW, ports.workflow(), workflow, runDir));
      Map<String, Map<String, String>> environments =
          Map.of(SCHEDULER, scheduler, ARTIFACT, artifact, WORKFLOW, workflow);
      for (ServiceProcess p : started) {
        p.awaitReady(READY_TIMEOUT);
      }
      if (withAgent) {
        started.add(startAgent(root, ports, secrets, runDir, "kiln-local-agent-1"));
      }
      return new Platform(ports, secrets, started, root, runDir, environments);
    } catch (IOException | RuntimeException | InterruptedException e) {
      for (ServiceProcess p : started) {
        p.close();
      }
      throw e;
    }
  }

  /** The environment every service gets: database, broker and secrets. */
  public static Map<String, String> serviceEnvironment(
      InfraSettings infra, PlatformSecrets secrets) {
    Map<String, String> env = new HashMap<>();
    env.put("KILN_DB_URL", infra.jdbcUrl());
    env.put("KILN_DB_USER", InfraSettings.USER);
    env.put("KILN_DB_PASSWORD", InfraSettings.PASSWORD);
    env.put("KILN_KAFKA_BOOTSTRAP", infra.bootstrapServers());
    env.put("KILN_ADMIN_TOKEN", secrets.adminToken());
    env.put("KILN_WORK_REQUEST_TOKEN_SECRET", secrets.workRequestTokenSecret());
    env.put("KILN_REGISTRATION_TOKEN", secrets.registrationToken());
    env.put("KILN_WORKFLOW_SERVICE_TOKEN", secrets.workflowServiceToken());
    return env;
  }

  /** Starts one more worker agent (ready once it is connected to the scheduler). */
  public static ServiceProcess startAgent(
      Path root, PortPlan ports, PlatformSecrets secrets, Path runDir, String workerName)
      throws IOException, InterruptedException {
    Map<String, String> agent = new HashMap<>();
    agent.put("KILN_AGENT_PORT", String.valueOf(ports.agent()));
    agent.put("KILN_SCHEDULER_GRPC_HOST", "127.0.0.1");
    agent.put("KILN_SCHEDULER_GRPC_PORT", String.valueOf(ports.scheduler()));
    agent.put("KILN_ARTIFACT_URL", "http://127.0.0.1:" + ports.artifact());
    agent.put("KILN_REGISTRATION_TOKEN", secrets.registrationToken());
    agent.put("KILN_WORKER_NAME", workerName);
    Path work = runDir.resolve("agent-work");
    Files.createDirectories(work);
    agent.put("KILN_AGENT_WORK_DIR", work.toString());
    return ServiceProcess.start(root, AGENT, ports.agent(), agent, runDir)
        .awaitReady(READY_TIMEOUT);
  }

  public PortPlan ports() {
    return ports;
  }

  public PlatformSecrets secrets() {
    return secrets;
  }

  public List<ServiceProcess> processes() {
    return processes;
  }

  public ServiceProcess process(String module) {
    return processes.stream()
        .filter(p -> p.name().equals(module))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(module + " is not part of the platform"));
  }

  public KilnClient client() {
    return client(ports, secrets);
  }

  /** A client of the platform running on these ports with these secrets. */
  public static KilnClient client(PortPlan ports, PlatformSecrets secrets) {
    return new KilnClient(
        "http://127.0.0.1:" + ports.scheduler(),
        "http://127.0.0.1:" + ports.artifact(),
        "http://127.0.0.1:" + ports.workflow(),
        secrets.adminToken());
  }

  /** Stops the agent first, then the services. */
  @Override
  public void close() throws IOException {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }

  /** The repository root: the nearest directory upwards that holds {@code mvnw}. */
  public static Path findRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve("mvnw")) && Files.exists(dir.resolve("scheduler-service"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("run this inside the Kiln repository");
  }
}

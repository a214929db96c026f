package dev.kiln.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One packaged Kiln service (or agent) running as its own JVM: {@code java -jar
 * <module>/target/quarkus-app/quarkus-run.jar}, its output in a log file, its PID in a pid file.
 */
public final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final Path log;
  private final Path pidFile;
  private final ProcessHandle handle;
  private final Process process;
  private final long startedNanos;
  private long readyMillis = -1;

  private ServiceProcess(
      String name, int port, Path log, Path pidFile, Process process, long startedNanos) {
    this.name = name;
    this.port = port;
    this.log = log;
    this.pidFile = pidFile;
    this.process = process;
    this.handle = process.toHandle();
    this.startedNanos = startedNanos;
  }

  /**
   * Starts a module's packaged application.
   *
   * @param root the repository root
   * @param module the Maven module, e.g. {@code scheduler-service}
   * @param port its HTTP port (health and metrics are at {@code /q/})
   * @param env environment variables for it
   * @param runDir where its log and pid file go
   */
  public static ServiceProcess start(
      Path root, String module, int port, Map<String, String> env, Path runDir) throws IOException {
    return start(root, module, port, env, runDir, QUICK_START_JVM);
  }

  /**
   * JVM options for fast start-up and a small footprint (local platform, end-to-end tests): C1
   * only, serial GC, a small heap. Benchmarks use production-like options instead.
   */
  public static final List<String> QUICK_START_JVM =
      List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /** Starts a module's packaged application with the given JVM options. */
  public static ServiceProcess start(
      Path root,
      String module,
      int port,
      Map<String, String> env,
      Path runDir,
      List<String> jvmOptions)
      throws IOException {
    Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IOException(jar + " is missing: build first with ./mvnw -DskipTests install");
    }
    if (Ports.inUse(port)) {
      throw new IllegalStateException(
          "port " + port + " for " + module + " is taken by another process");
    }
    Files.createDirectories(runDir);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", jar.toString()));
    Path log = runDir.resolve(module + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process process = pb.start();
    Path pidFile = runDir.resolve(module + ".pid");
    Files.writeString(pidFile, Long.toString(process.pid()));
    return new ServiceProcess(module, port, log, pidFile, process, t0);
  }

  /** Waits until {@code /q/health/ready} answers 200. */
  public ServiceProcess awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    URI health = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            name + " exited during start-up; its log " + log + " ends:\n" + tail());
      }
      try {
        HttpResponse<Void> r =
            HTTP.send(
                HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          readyMillis = (System.nanoTime() - startedNanos) / 1_000_000;
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(150);
    }
    throw new IOException(name + " was not ready within " + timeout + "; its log ends:\n" + tail());
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /** Milliseconds from launch to ready, or -1. */
  public long readyMillis() {
    return readyMillis;
  }

  /** Resident set size in MiB, read from /proc (Linux), if known. */
  public Optional<Long> rssMib() {
    return rssMib(process.pid());
  }

  /** Peak resident set size (VmHWM) in MiB, read from /proc (Linux), if known. */
  public Optional<Long> peakRssMib() {
    return procStatusMib(process.pid(), "VmHWM:");
  }

  static Optional<Long> rssMib(long pid) {
    return procStatusMib(pid, "VmRSS:");
  }

  private static Optional<Long> procStatusMib(long pid, String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(key)) {
          return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or gone
    }
    return Optional.empty();
  }

  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** Kills the process at once, as a crash would (for fault tests). */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, a grace period, then SIGKILL. */
  @Override
  public void close() throws IOException {
    stop(handle);
    Files.deleteIfExists(pidFile);
  }

  static void stop(ProcessHandle handle) {
    handle.destroy();
    try {
      handle.onExit().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      handle.destroyForcibly();
    }
  }
}

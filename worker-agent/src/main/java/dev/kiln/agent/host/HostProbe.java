package dev.kiln.agent.host;

import dev.kiln.agent.executor.Availability;
import dev.kiln.agent.executor.Executor;
import dev.kiln.agent.executor.HostTools;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.model.Backend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Answers the task SDK's questions about this host: a tool is installed when dpkg knows the package
 * (its version is the package's) or, failing that, when an executable of that name is on the {@code
 * PATH} (version unknown); an executor backend is available when it says so. Answers are probed
 * once and cached: they are announced at connection time.
 */
public final class HostProbe implements WorkerProbe {

  private static final Logger LOG = Logger.getLogger(HostProbe.class);
  private static volatile HostProbe installed;

  private final Map<Backend, Executor> executors = new EnumMap<>(Backend.class);
  private final Map<Backend, Availability> availability = new ConcurrentHashMap<>();
  private final Map<String, Optional<String>> tools = new ConcurrentHashMap<>();
  private final Path storage;
  private final Function<String, Optional<String>> toolProbe;

  /**
   * @param executors the backends this worker has
   * @param storage a directory on the file system whose free space is announced (the image cache)
   */
  public HostProbe(Collection<? extends Executor> executors, Path storage) {
    this(executors, storage, HostProbe::probeTool);
  }

  HostProbe(
      Collection<? extends Executor> executors,
      Path storage,
      Function<String, Optional<String>> toolProbe) {
    executors.forEach(e -> this.executors.put(e.backend(), e));
    this.storage = storage;
    this.toolProbe = toolProbe;
  }

  /**
   * Makes {@code probe} the one {@link dev.kiln.agent.core.Capabilities} announces; the Quarkus
   * layer installs the configured one at startup, before the agent connects.
   */
  public static void install(HostProbe probe) {
    installed = probe;
  }

  /** The installed probe, or one without executor backends. */
  public static HostProbe installed() {
    HostProbe p = installed;
    return p != null
        ? p
        : new HostProbe(java.util.List.of(), Path.of(System.getProperty("user.home")));
  }

  public Path storage() {
    return storage;
  }

  @Override
  public Optional<String> toolVersion(String tool) {
    return tools.computeIfAbsent(tool, toolProbe);
  }

  @Override
  public boolean executorAvailable(String backend) {
    Backend b;
    try {
      b = Backend.fromWire(backend);
    } catch (IllegalArgumentException e) {
      return false;
    }
    Executor e = executors.get(b);
    if (e == null) {
      return false;
    }
    Availability a =
        availability.computeIfAbsent(
            b,
            k -> {
              Availability found = e.availability();
              LOG.infof("executor backend %s: %s", k, found.reason());
              return found;
            });
    return a.available();
  }

  static Optional<String> probeTool(String tool) {
    if (!tool.matches("[a-z0-9][a-z0-9+.-]*")) {
      return Optional.empty();
    }
    Optional<String> dpkg = run("dpkg-query", "-W", "-f=${db:Status-Abbrev} ${Version}", tool);
    if (dpkg.isPresent() && dpkg.get().startsWith("ii ")) {
      return Optional.of(dpkg.get().substring(3).strip());
    }
    return HostTools.find(tool).map(path -> "");
  }

  /** The output of a short command when it succeeds. */
  static Optional<String> run(String... argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return Optional.of(out);
      }
      p.destroyForcibly();
    } catch (IOException e) {
      // not installed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }
}

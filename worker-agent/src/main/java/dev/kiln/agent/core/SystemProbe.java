package dev.kiln.agent.core;

import dev.kiln.task.WorkerProbe;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What this machine has, asked once at start: executables on the PATH (with their Debian package
 * version when dpkg knows them), executor backends, and the architectures it can run. The tasks'
 * {@code providedWorkerTags} hooks ask it through {@link WorkerProbe}.
 */
public class SystemProbe implements WorkerProbe {

  private static final Pattern ARCH = Pattern.compile("[a-z0-9]+");

  private final List<Path> path;
  private final Map<String, Optional<String>> versions = new ConcurrentHashMap<>();

  /** A probe of this process's PATH. */
  public SystemProbe() {
    this(System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
  }

  SystemProbe(String pathVariable) {
    List<Path> dirs = new ArrayList<>();
    for (String d : pathVariable.split(File.pathSeparator)) {
      if (!d.isBlank()) {
        dirs.add(Path.of(d));
      }
    }
    this.path = List.copyOf(dirs);
  }

  /** Whether an executable of this name is on the PATH. */
  public boolean hasExecutable(String name) {
    for (Path dir : path) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Optional<String> toolVersion(String tool) {
    return versions.computeIfAbsent(
        tool,
        t -> {
          if (!hasExecutable(t)) {
            return Optional.empty();
          }
          // the version of the package of the same name, if dpkg knows it; else just "installed"
          return Optional.of(
              hasExecutable("dpkg-query") ? run("dpkg-query", "-W", "-f=${Version}", t) : "");
        });
  }

  @Override
  public boolean executorAvailable(String backend) {
    return switch (backend) {
      case "unshare" -> hasExecutable("unshare");
      case "incus-lxc", "incus-vm" -> hasExecutable("incus");
      case "qemu" -> hasExecutable("qemu-system-x86_64") || hasExecutable("qemu-system-aarch64");
      default -> false;
    };
  }

  /**
   * The Debian architectures this machine runs: {@code dpkg --print-architecture} (else the JVM's
   * os.arch in Debian's spelling), then those {@code arch-test} finds runnable, if installed.
   */
  public List<String> architectures() {
    Set<String> out = new LinkedHashSet<>();
    String native_ = hasExecutable("dpkg") ? run("dpkg", "--print-architecture") : "";
    out.add(
        native_.isBlank()
            ? Capabilities.debianArchitecture(System.getProperty("os.arch"))
            : native_.strip());
    if (hasExecutable("arch-test")) {
      for (String token : run("arch-test").split("\\s+")) {
        if (ARCH.matcher(token).matches()) {
          out.add(token);
        }
      }
    }
    return List.copyOf(out);
  }

  /** A command's standard output, or empty when it fails or takes longer than 10 s. */
  static String run(String... command) {
    try {
      Process p =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "";
      }
      return p.exitValue() == 0 ? out.strip() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}

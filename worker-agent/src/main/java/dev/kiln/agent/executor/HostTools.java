package dev.kiln.agent.executor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds executables on the agent's {@code PATH} (plus the sbin directories). */
public final class HostTools {

  private HostTools() {}

  /** The absolute path of an executable, if there is one. */
  public static Optional<String> find(String name) {
    if (name.contains("/")) {
      return Files.isExecutable(Path.of(name)) ? Optional.of(name) : Optional.empty();
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : (path + ":/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }

  /** The absolute path of an executable the agent cannot work without. */
  public static String require(String name) {
    return find(name)
        .orElseThrow(
            () -> new IllegalStateException(name + " is not installed (looked in PATH and sbin)"));
  }
}

package dev.kiln.agent.core;

import dev.kiln.agent.host.HostCapabilities;
import dev.kiln.agent.host.HostProbe;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agent.task.WorkerTask;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What this machine offers, announced in Hello as worker-provided tags. Kept simple for now:
 * architecture, CPUs, memory, the tasks it can run and its kind.
 */
public final class Capabilities {

  private Capabilities() {}

  /**
   * The tags of this machine and these tasks, then what {@link HostCapabilities} probes (other
   * architectures, disk, tools, executor backends).
   */
  public static List<String> discover(TaskRegistry tasks) {
    Set<String> tags =
        new LinkedHashSet<>(
            tags(
                hostArchitecture(),
                Runtime.getRuntime().availableProcessors(),
                totalMemoryBytes(),
                tasks));
    tags.addAll(HostCapabilities.discover(HostProbe.installed()));
    return List.copyOf(tags);
  }

  static List<String> tags(String arch, int cpus, long memoryBytes, TaskRegistry tasks) {
    List<String> tags = new ArrayList<>();
    tags.add("arch:" + arch);
    tags.add("cpu:" + cpus);
    if (memoryBytes > 0) {
      tags.add("mem:" + Math.max(1, Math.round(memoryBytes / (double) (1L << 30))) + "G");
    }
    for (WorkerTask task : tasks.all()) {
      tags.add("task:" + task.taskType() + ":" + task.taskName() + ":v" + task.version());
    }
    tags.add("worker-type:worker");
    return tags;
  }

  /** Debian's name of the host architecture: {@code dpkg --print-architecture}, else os.arch. */
  public static String hostArchitecture() {
    try {
      Process p =
          new ProcessBuilder("dpkg", "--print-architecture").redirectErrorStream(true).start();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
        String arch = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!arch.isEmpty()) {
          return arch;
        }
      }
      p.destroyForcibly();
    } catch (IOException e) {
      // no dpkg on this machine
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return debianArchitecture(System.getProperty("os.arch"));
  }

  static String debianArchitecture(String osArch) {
    return switch (osArch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i486", "i586", "i686" -> "i386";
      case "ppc64le" -> "ppc64el";
      case "arm" -> "armhf";
      default -> osArch; // s390x, riscv64 and others are spelt the same
    };
  }

  private static long totalMemoryBytes() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return -1;
  }
}

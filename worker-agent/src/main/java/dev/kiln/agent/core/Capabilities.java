package dev.kiln.agent.core;

import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agent.task.WorkerTask;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What this machine offers, reported to the scheduler as worker-provided tags. */
public final class Capabilities {

  private Capabilities() {}

  public static List<String> discover(TaskRegistry tasks) {
    List<String> tags = new ArrayList<>();
    tags.add("worker-type:worker");
    tags.add("arch:" + hostArchitecture());
    tags.add("cpu:" + Runtime.getRuntime().availableProcessors());
    long memory = totalMemoryBytes();
    if (memory > 0) {
      tags.add("mem:" + Math.max(1, memory >> 30) + "G");
    }
    for (WorkerTask task : tasks.all()) {
      tags.add("task:" + task.taskType() + ":" + task.taskName() + ":v" + task.version());
    }
    return tags;
  }

  /**
   * Debian's name of the host architecture: {@code dpkg --print-architecture}, else from os.arch.
   */
  static String hostArchitecture() {
    try {
      Process p =
          new ProcessBuilder("dpkg", "--print-architecture").redirectErrorStream(true).start();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
        String arch = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!arch.isEmpty()) {
          return arch;
        }
      }
    } catch (IOException e) {
      // no dpkg here
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "i386";
      case "ppc64le" -> "ppc64el";
      case "s390x" -> "s390x";
      case "riscv64" -> "riscv64";
      default -> System.getProperty("os.arch");
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

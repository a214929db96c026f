package dev.kiln.agent.core;

import dev.kiln.agent.host.HostCapabilities;
import dev.kiln.agent.host.HostProbe;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.api.scheduler.v1.WorkerSystem;
import dev.kiln.task.Tag;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.model.Backend;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What this machine offers, announced in Hello: worker-provided tags (provenance {@code worker})
 * and the same facts as values ({@link WorkerSystem}). Tags: each architecture it runs, CPUs,
 * memory, free disk, each executor backend, then what the tasks of the {@link TaskRegistry}
 * contribute (their version tags and {@code providedWorkerTags} hooks, asked with a {@link
 * SystemProbe}), and its kind.
 */
public final class Capabilities {

  /** What was discovered. */
  public record Discovered(List<String> tags, WorkerSystem system) {}

  private static final WorkerProbe NOTHING_INSTALLED =
      new WorkerProbe() {
        @Override
        public Optional<String> toolVersion(String tool) {
          return Optional.empty();
        }

        @Override
        public boolean executorAvailable(String backend) {
          return false;
        }
      };

  private Capabilities() {}

  /** The tags and system facts of this machine, its work directory and these tasks. */
  public static Discovered discover(TaskRegistry tasks, Path workDir) {
    HostProbe host = HostProbe.installed();
    if (host == null) {
      return discover(tasks, workDir, new SystemProbe());
    }
    // the executor backends' own availability checks and the host's tool probe answer the tasks'
    // hooks; HostCapabilities adds the catalogue's tools and the image store's free disk
    Discovered found =
        discover(
            tasks,
            workDir,
            new SystemProbe() {
              @Override
              public Optional<String> toolVersion(String tool) {
                return host.toolVersion(tool);
              }

              @Override
              public boolean executorAvailable(String backend) {
                return host.executorAvailable(backend);
              }
            });
    Set<String> tags = new LinkedHashSet<>(found.tags());
    for (String tag : HostCapabilities.discover(host)) {
      if (!tag.startsWith("disk:") || tags.stream().noneMatch(t -> t.startsWith("disk:"))) {
        tags.add(tag);
      }
    }
    return new Discovered(new ArrayList<>(tags), found.system());
  }

  static Discovered discover(TaskRegistry tasks, Path workDir, SystemProbe probe) {
    List<String> archs = probe.architectures();
    int cpus = Runtime.getRuntime().availableProcessors();
    long memory = totalMemoryBytes();
    long disk = freeDisk(workDir);
    Set<String> executors = new LinkedHashSet<>();
    for (Backend b : Backend.values()) {
      if (b != Backend.AUTO && probe.executorAvailable(b.wire())) {
        executors.add(b.wire());
      }
    }
    List<String> tags = tags(archs, cpus, memory, disk, executors, tasks, probe);
    WorkerSystem.Builder system =
        WorkerSystem.newBuilder()
            .addAllArchitectures(archs)
            .setCpuCount(cpus)
            .setMemoryBytes(Math.max(0, memory))
            .setDiskFreeBytes(Math.max(0, disk))
            .addAllExecutors(executors);
    for (TaskRegistry.Entry e : tasks.entries()) {
      // the tools the tasks' hooks asked about, as found
      for (Tag t : e.definition().providedWorkerTags(probe)) {
        String v = t.value();
        if (v.startsWith("tool:") && v.indexOf(':', 5) < 0) {
          String tool = v.substring(5);
          system.putTools(tool, probe.toolVersion(tool).orElse(""));
        }
      }
    }
    return new Discovered(tags, system.build());
  }

  /** The tags of a machine with one architecture and nothing installed, and these tasks. */
  static List<String> tags(String arch, int cpus, long memoryBytes, TaskRegistry tasks) {
    return tags(List.of(arch), cpus, memoryBytes, -1, Set.of(), tasks, NOTHING_INSTALLED);
  }

  static List<String> tags(
      List<String> archs,
      int cpus,
      long memoryBytes,
      long diskFreeBytes,
      Set<String> executors,
      TaskRegistry tasks,
      WorkerProbe probe) {
    Set<String> tags = new LinkedHashSet<>();
    archs.forEach(a -> tags.add("arch:" + a));
    tags.add("cpu:" + cpus);
    if (memoryBytes > 0) {
      tags.add("mem:" + gibibytes(memoryBytes) + "G");
    }
    if (diskFreeBytes > 0) {
      tags.add("disk:" + gibibytes(diskFreeBytes) + "G");
    }
    executors.forEach(e -> tags.add("executor:" + e));
    for (Tag t : tasks.providedWorkerTags(probe)) {
      tags.add(t.value());
    }
    tags.add("worker-type:worker");
    return new ArrayList<>(tags);
  }

  private static long gibibytes(long bytes) {
    return Math.max(1, Math.round(bytes / (double) (1L << 30)));
  }

  /** Debian's name of the host architecture: {@code dpkg --print-architecture}, else os.arch. */
  public static String hostArchitecture() {
    return new SystemProbe().architectures().get(0);
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

  private static long freeDisk(Path dir) {
    try {
      Path existing = dir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      return existing == null ? -1 : Files.getFileStore(existing).getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long totalMemoryBytes() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return -1;
  }
}

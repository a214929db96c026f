package dev.kiln.agent.host;

import dev.kiln.task.Tag;
import dev.kiln.task.Tags;
import dev.kiln.task.external.WorkerTags;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The worker-provided tags this host adds to the agent's basics (host architecture, CPUs, memory):
 * the other architectures it runs ({@code arch-test -n}), free disk space where images are kept,
 * the tools of the task catalogue it has ({@code tool:<name>[:<version>]}) and its available
 * executor backends ({@code executor:<backend>}), in the task SDK's vocabulary ({@link Tags}).
 */
public final class HostCapabilities {

  /** The tools the catalogue's tasks ask about (Debian package names). */
  static final List<String> TOOLS =
      List.of(
          "sbuild",
          "autopkgtest",
          "mmdebstrap",
          "lintian",
          "piuparts",
          "blhc",
          "devscripts",
          "debefivm-create",
          "gpg",
          "openssl",
          "arch-test");

  private HostCapabilities() {}

  /** The tags of this host, probed. */
  public static List<String> discover(HostProbe probe) {
    return tags(
        HostProbe.run("arch-test", "-n").map(HostCapabilities::words).orElse(List.of()),
        freeBytes(probe),
        probe);
  }

  static List<String> tags(List<String> architectures, long freeBytes, HostProbe probe) {
    Set<String> tags = new LinkedHashSet<>();
    architectures.forEach(a -> tags.add(Tags.architecture(a)));
    if (freeBytes >= 0) {
      tags.add("disk:" + (freeBytes >> 30) + "G");
    }
    for (Tag t :
        WorkerTags.union(
            WorkerTags.tools(probe, TOOLS.toArray(String[]::new)), WorkerTags.executors(probe))) {
      tags.add(t.value());
    }
    return new ArrayList<>(tags);
  }

  private static List<String> words(String out) {
    return List.of(out.strip().split("\\s+")).stream().filter(w -> !w.isEmpty()).toList();
  }

  private static long freeBytes(HostProbe probe) {
    try {
      return Files.getFileStore(
              Files.exists(probe.storage()) ? probe.storage() : probe.storage().getRoot())
          .getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }
}

package dev.kiln.task.external;

import dev.kiln.task.Tag;
import dev.kiln.task.Tags;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.model.Backend;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** Helpers for {@code providedWorkerTags} hooks. */
public final class WorkerTags {

  private WorkerTags() {}

  /**
   * {@code tool:<name>} and {@code tool:<name>:<version>} (worker provenance) for each of these
   * tools that is installed.
   */
  public static Set<Tag> tools(WorkerProbe probe, String... tools) {
    Set<Tag> tags = new LinkedHashSet<>();
    for (String tool : tools) {
      Optional<String> version = probe.toolVersion(tool);
      if (version.isPresent()) {
        tags.add(Tag.worker(Tags.tool(tool)));
        if (!version.get().isBlank()) {
          tags.add(Tag.worker(Tags.toolVersion(tool, version.get().strip())));
        }
      }
    }
    return tags;
  }

  /** {@code executor:<backend>} (worker provenance) for each available executor backend. */
  public static Set<Tag> executors(WorkerProbe probe) {
    Set<Tag> tags = new LinkedHashSet<>();
    for (Backend b : Backend.values()) {
      if (b != Backend.AUTO && probe.executorAvailable(b.wire())) {
        tags.add(Tag.worker(Tags.executor(b.wire())));
      }
    }
    return tags;
  }

  /** The union of several sets of tags, in order. */
  @SafeVarargs
  public static Set<Tag> union(Set<Tag>... sets) {
    Set<Tag> out = new LinkedHashSet<>();
    for (Set<Tag> s : sets) {
      out.addAll(s);
    }
    return out;
  }
}

package dev.kiln.scheduler.domain;

import dev.kiln.task.Tag;
import dev.kiln.task.TagProvenance;
import dev.kiln.task.TaskType;
import dev.kiln.task.server.TaskTags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which tags count, by provenance, when matching work to workers. A tag is trusted only as far as
 * whoever vouches for it:
 *
 * <table>
 *   <caption>What counts</caption>
 *   <tr><th>set</th><th>counts</th><th>why</th></tr>
 *   <tr><td>work request, required</td><td>every provenance</td>
 *       <td>a requirement only narrows where the work runs, so users may add them</td></tr>
 *   <tr><td>work request, provided</td><td>{@code system}, {@code admin}</td>
 *       <td>these open restricted workers (workspace, trust level): a user-made one would let a
 *           user reach a worker that requires a system tag</td></tr>
 *   <tr><td>worker, provided</td><td>{@code system}, {@code admin}; {@code worker} outside the
 *       protected namespaces</td>
 *       <td>a worker reporting {@code trust:official} about itself gets nothing that requires
 *           it</td></tr>
 *   <tr><td>worker, required</td><td>{@code system}, {@code admin}, {@code worker}</td>
 *       <td>only narrows what the worker takes</td></tr>
 * </table>
 *
 * <p>A tag with a provenance that does not count is dropped, never an error: dropping can only make
 * fewer matches. On top, the policy adds {@code worker-type:<kind>}: a system tag provided by every
 * worker for the kind it registered as, and required by every work request for the kind that runs
 * its task type, so a signing task reaches signing agents only and a signing agent takes nothing
 * else. {@code worker-type:} is always protected.
 */
public final class TagPolicy {

  /** The namespace of the worker-kind tag. */
  public static final String WORKER_TYPE_NAMESPACE = "worker-type:";

  /** Protected namespaces when none are configured. */
  public static final List<String> DEFAULT_PROTECTED_NAMESPACES =
      List.of("trust:", "signing:", WORKER_TYPE_NAMESPACE);

  private final List<String> protectedNamespaces;

  /**
   * A policy with these protected namespaces; each is a prefix such as {@code trust:} (a missing
   * trailing {@code :} is added, so {@code trust} protects {@code trust:official} but not {@code
   * trustworthy}). {@code worker-type:} is always among them.
   */
  public TagPolicy(Collection<String> protectedNamespaces) {
    List<String> ns = new ArrayList<>();
    for (String n : protectedNamespaces) {
      if (n == null || n.isBlank() || n.equals(":")) {
        throw new IllegalArgumentException("a protected namespace is a non-empty prefix");
      }
      String prefix = n.endsWith(":") ? n : n + ":";
      if (!ns.contains(prefix)) {
        ns.add(prefix);
      }
    }
    if (!ns.contains(WORKER_TYPE_NAMESPACE)) {
      ns.add(WORKER_TYPE_NAMESPACE);
    }
    this.protectedNamespaces = List.copyOf(ns);
  }

  /** The policy with {@link #DEFAULT_PROTECTED_NAMESPACES}. */
  public static TagPolicy defaults() {
    return new TagPolicy(DEFAULT_PROTECTED_NAMESPACES);
  }

  /** The protected namespaces, each ending with {@code :}. */
  public List<String> protectedNamespaces() {
    return protectedNamespaces;
  }

  /** Whether a tag value lies in a protected namespace. */
  public boolean isProtected(String value) {
    for (String ns : protectedNamespaces) {
      if (value.startsWith(ns)) {
        return true;
      }
    }
    return false;
  }

  /** The tag {@code worker-type:<kind>}. */
  public static String workerTypeTag(WorkerKind kind) {
    return WORKER_TYPE_NAMESPACE + kind.wire();
  }

  /**
   * The effective class of a work request from the tags computed when it became pending.
   *
   * @throws IllegalArgumentException for a task type that no worker process runs (internal,
   *     workflow, wait: they are never matched)
   */
  public TagClass tagClass(TaskType type, TaskTags tags) {
    WorkerKind kind =
        WorkerKind.forTaskType(type)
            .orElseThrow(
                () -> new IllegalArgumentException(type + " work requests are not matched"));
    Set<String> required = new TreeSet<>();
    for (Tag t : tags.required()) {
      required.add(t.value());
    }
    required.add(workerTypeTag(kind));
    Set<String> provided = new TreeSet<>();
    for (Tag t : tags.provided()) {
      if (t.provenance() == TagProvenance.SYSTEM || t.provenance() == TagProvenance.ADMIN) {
        provided.add(t.value());
      }
    }
    return TagClass.of(required, provided);
  }

  /**
   * The effective class of a worker.
   *
   * @param kind what it registered as
   * @param provided its provided tags: static ones set by an admin, those it reports itself (worker
   *     provenance), those Kiln derives (system)
   * @param required its required tags (e.g. {@code workspace:release} set by an admin to dedicate
   *     it)
   */
  public WorkerClass workerClass(
      WorkerKind kind, Collection<Tag> provided, Collection<Tag> required) {
    Set<String> p = new TreeSet<>();
    for (Tag t : provided) {
      if (countsOnWorker(t)) {
        p.add(t.value());
      }
    }
    p.add(workerTypeTag(kind));
    Set<String> r = new TreeSet<>();
    for (Tag t : required) {
      if (t.provenance() != TagProvenance.USER) {
        r.add(t.value());
      }
    }
    return WorkerClass.of(p, r);
  }

  private boolean countsOnWorker(Tag t) {
    return switch (t.provenance()) {
      case SYSTEM, ADMIN -> true;
      case WORKER -> !isProtected(t.value());
      case USER -> false;
    };
  }
}

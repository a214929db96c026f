import dev.kiln.scheduler.domain.CompatibilityIndex;
import dev.kiln.scheduler.domain.DependencyGraph;
import dev.kiln.scheduler.domain.DependencyNode;
import dev.kiln.scheduler.domain.DependencyRules;
import dev.kiln.scheduler.domain.TagClass;
import dev.kiln.scheduler.domain.TagPolicy;
import dev.kiln.scheduler.domain.UnblockStrategy;
import dev.kiln.scheduler.domain.WorkRequestResult;
import dev.kiln.scheduler.domain.WorkRequestStatus;
import dev.kiln.scheduler.domain.WorkerClass;
import dev.kiln.scheduler.domain.WorkerKind;
import dev.kiln.task.Tag;
import dev.kiln.task.TaskType;
import dev.kiln.task.server.TaskTags;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Figures for the scheduler's domain rules (bench/scheduler-domain.sh): classifying work requests
 * into tag classes, the compatibility index, dependency propagation and cycle checks. Medians of
 * the CPU time of several rounds after a warm-up (the machine is shared).
 */
public final class SchedulerDomainBench {

  private static final Random RANDOM = new Random(42);
  private static final String[] ARCHES = {"amd64", "arm64", "i386", "riscv64", "s390x"};
  private static final String[] EXECUTORS = {"unshare", "incus-lxc", "incus-vm", "qemu"};
  private static final String[] TASKS = {
    "sbuild", "autopkgtest", "lintian", "piuparts", "blhc", "debdiff", "mmdebstrap", "noop"
  };

  public static void main(String[] args) {
    int rounds = 5;
    TagPolicy policy = TagPolicy.defaults();

    // 1. classify work requests: TaskTags -> TagClass -> key
    List<TaskTags> wrs = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      wrs.add(randomWork());
    }
    double classifyPerSec =
        median(
            rounds,
            () -> {
              Set<String> keys = new HashSet<>();
              for (TaskTags t : wrs) {
                keys.add(policy.tagClass(TaskType.WORKER, t).key());
              }
              sink = keys.size();
            });
    classifyPerSec = wrs.size() / classifyPerSec;
    Set<TagClass> distinct = new HashSet<>();
    for (TaskTags t : wrs) {
      distinct.add(policy.tagClass(TaskType.WORKER, t));
    }
    List<TagClass> classes = new ArrayList<>(distinct);

    // 2. compatibility index: W worker classes, C tag classes
    List<WorkerClass> workers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      workers.add(randomWorker(policy));
    }
    double buildSeconds =
        median(
            rounds,
            () -> {
              CompatibilityIndex index = new CompatibilityIndex();
              workers.forEach(index::compatibleTagClassIds);
              for (int i = 0; i < classes.size(); i++) {
                index.addTagClass(i, classes.get(i));
              }
              sink = index.compatibleTagClassIds(workers.get(0)).length;
            });
    CompatibilityIndex index = new CompatibilityIndex();
    for (int i = 0; i < classes.size(); i++) {
      index.addTagClass(i, classes.get(i));
    }
    List<WorkerClass> fresh = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      fresh.add(randomWorker(policy));
    }
    double newWorkerSeconds =
        median(
            rounds,
            () -> {
              CompatibilityIndex copy = new CompatibilityIndex();
              for (int i = 0; i < classes.size(); i++) {
                copy.addTagClass(i, classes.get(i));
              }
              long t0 = cpu();
              for (WorkerClass w : fresh) {
                sink += copy.compatibleTagClassIds(w).length;
              }
              lastInner = (cpu() - t0) / 1e9;
            },
            true);
    long[] sizes = workers.stream().mapToLong(w -> index.compatibleTagClassIds(w).length).toArray();
    Arrays.sort(sizes);
    double readSeconds =
        median(
            rounds,
            () -> {
              for (int i = 0; i < 100_000; i++) {
                sink += index.compatibleTagClassIds(workers.get(i % workers.size())).length;
              }
            });

    // 3. propagation: a failure cascading through a 100k-node graph (a tree of fan-out 4)
    int n = 100_000;
    Map<Long, DependencyNode> nodes = new HashMap<>();
    Map<Long, List<Long>> deps = new HashMap<>();
    nodes.put(0L, new DependencyNode(0, WorkRequestStatus.COMPLETED, WorkRequestResult.FAILURE,
        false, UnblockStrategy.DEPS, true));
    for (long i = 1; i < n; i++) {
      nodes.put(i, new DependencyNode(i, WorkRequestStatus.BLOCKED, null, false,
          UnblockStrategy.DEPS, true));
      deps.put(i, List.of((i - 1) / 4));
    }
    double propagateSeconds =
        median(rounds, () -> sink = DependencyRules.propagate(0, nodes, deps).abort().size());

    // 4. cycle check of a 100k-node, ~300k-edge workflow graph
    Map<Long, Object> roots = new HashMap<>();
    Map<Long, List<Long>> graph = new HashMap<>();
    for (long i = 0; i < n; i++) {
      roots.put(i, "w");
      List<Long> ds = new ArrayList<>();
      for (int k = 0; k < 3 && i > 0; k++) {
        ds.add((long) RANDOM.nextInt((int) i));
      }
      graph.put(i, ds);
    }
    double validateSeconds =
        median(rounds, () -> sink = DependencyGraph.validate(roots, graph).size());

    System.out.printf("work requests classified: %d into %d tag classes%n", wrs.size(), classes.size());
    System.out.printf("classify (TaskTags -> TagClass + key): %.0f work requests/s%n", classifyPerSec);
    System.out.printf(
        "compatibility index, %d worker classes x %d tag classes: built incrementally in %.1f ms%n",
        workers.size(), classes.size(), buildSeconds * 1e3);
    System.out.printf(
        "compatible classes per worker class: min %d, median %d, max %d%n",
        sizes[0], sizes[sizes.length / 2], sizes[sizes.length - 1]);
    System.out.printf(
        "new worker class against %d tag classes: %.1f us each%n",
        classes.size(), newWorkerSeconds / fresh.size() * 1e6);
    System.out.printf("cached answer read: %.2f us each%n", readSeconds / 100_000 * 1e6);
    System.out.printf("propagate a failure through %d blocked work requests: %.1f ms%n", n - 1,
        propagateSeconds * 1e3);
    System.out.printf("cycle check, %d work requests / ~%d edges: %.1f ms%n", n, 3 * (n - 1),
        validateSeconds * 1e3);
    System.out.println("(times are CPU time of the benchmark thread, medians of " + rounds + " rounds; sink " + (sink % 10) + ")");
  }

  private static long sink;
  private static double lastInner;

  private static double median(int rounds, Runnable r) {
    return median(rounds, r, false);
  }

  /**
   * Median CPU time of this thread over the rounds, in seconds, after two warm-up runs: CPU time,
   * not wall time, because the machine is shared and a busy neighbour only stretches wall time.
   */
  private static double median(int rounds, Runnable r, boolean inner) {
    r.run();
    r.run();
    double[] t = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      long t0 = cpu();
      r.run();
      t[i] = inner ? lastInner : (cpu() - t0) / 1e9;
    }
    Arrays.sort(t);
    return t[rounds / 2];
  }

  static long cpu() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static TaskTags randomWork() {
    String task = TASKS[RANDOM.nextInt(TASKS.length)];
    Set<Tag> required = new HashSet<>();
    required.add(Tag.system("task:worker:" + task + ":v1"));
    String arch = ARCHES[skewed(ARCHES.length)];
    required.add(RANDOM.nextBoolean() ? Tag.user("arch:" + arch) : Tag.system("arch:" + arch));
    if (!task.equals("noop") && !task.equals("blhc")) {
      required.add(Tag.system("executor:" + EXECUTORS[skewed(EXECUTORS.length)]));
      required.add(Tag.system("tool:" + task));
    }
    if (RANDOM.nextInt(20) == 0) {
      required.add(Tag.system("trust:official"));
    }
    Set<Tag> provided = new HashSet<>();
    provided.add(Tag.system("task-type:worker"));
    provided.add(Tag.system("task-name:worker:" + task));
    provided.add(Tag.system("workspace:ws" + skewed(200)));
    return new TaskTags(required, provided);
  }

  private static WorkerClass randomWorker(TagPolicy policy) {
    Set<Tag> provided = new HashSet<>();
    for (String t : TASKS) {
      if (RANDOM.nextInt(4) != 0) {
        provided.add(Tag.worker("task:worker:" + t + ":v1"));
        provided.add(Tag.worker("tool:" + t));
      }
    }
    provided.add(Tag.worker("arch:" + ARCHES[skewed(ARCHES.length)]));
    if (RANDOM.nextBoolean()) {
      provided.add(Tag.worker("arch:i386"));
    }
    for (String e : EXECUTORS) {
      if (RANDOM.nextBoolean()) {
        provided.add(Tag.worker("executor:" + e));
      }
    }
    if (RANDOM.nextInt(5) == 0) {
      provided.add(Tag.admin("trust:official"));
    } else if (RANDOM.nextInt(3) == 0) {
      provided.add(Tag.worker("trust:official")); // self-reported: does not count
    }
    Set<Tag> required = new HashSet<>();
    if (RANDOM.nextInt(10) == 0) {
      required.add(Tag.admin("workspace:ws" + RANDOM.nextInt(5)));
    }
    return policy.workerClass(WorkerKind.WORKER, provided, required);
  }

  /** Small values more often than large ones, like real fleets and queues. */
  private static int skewed(int bound) {
    return Math.min(bound - 1, (int) Math.abs(RANDOM.nextGaussian() * bound / 3));
  }
}

package dev.kiln.agent.task;

import dev.kiln.agent.task.debian.AssembleSignedSourceRunner;
import dev.kiln.agent.task.debian.AutopkgtestRunner;
import dev.kiln.agent.task.debian.BlhcRunner;
import dev.kiln.agent.task.debian.DebdiffRunner;
import dev.kiln.agent.task.debian.ExtractForSigningRunner;
import dev.kiln.agent.task.debian.LintianRunner;
import dev.kiln.agent.task.debian.MakeSourcePackageUploadRunner;
import dev.kiln.agent.task.debian.MergeUploadsRunner;
import dev.kiln.agent.task.debian.MmdebstrapRunner;
import dev.kiln.agent.task.debian.SbuildRunner;
import dev.kiln.agent.taskio.Environments;
import dev.kiln.task.Tag;
import dev.kiln.task.TaskDefinition;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.external.ExternalTaskCatalogue;
import dev.kiln.task.external.ExternalTaskDefinition;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tasks this agent can run, by (task_type, task_name): each is a task of the task SDK (its
 * {@link ExternalTaskDefinition}: task data schema, input fields, version, {@code
 * providedWorkerTags} hook) paired with the agent's {@link WorkerTask} that runs it. A runner
 * without an SDK definition, or of another version, is refused: the agent only announces and runs
 * what the server knows.
 */
public final class TaskRegistry {

  /**
   * A task the agent runs.
   *
   * @param definition the task SDK's definition
   * @param runner what runs it here
   */
  public record Entry(ExternalTaskDefinition<?> definition, WorkerTask runner) {}

  private final Map<Key, Entry> tasks = new LinkedHashMap<>();

  private record Key(String taskType, String taskName) {}

  /** These runners, each matched to its definition in the SDK's external task catalogue. */
  public TaskRegistry(List<? extends WorkerTask> tasks) {
    this(ExternalTaskCatalogue.registry(), tasks);
  }

  /**
   * These runners, each matched to its definition in {@code definitions}.
   *
   * @throws IllegalArgumentException on a duplicate, a runner without a worker or signing task
   *     definition, or a version that differs from the definition's
   */
  public TaskRegistry(dev.kiln.task.TaskRegistry definitions, List<? extends WorkerTask> tasks) {
    for (WorkerTask task : tasks) {
      Key key = new Key(task.taskType(), task.taskName());
      TaskDefinition<?> d =
          definitions
              .find(task.taskType(), task.taskName())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "task " + key.taskType() + "/" + key.taskName() + " is not in the SDK"));
      if (!(d instanceof ExternalTaskDefinition<?> external)) {
        throw new IllegalArgumentException(d.id() + " does not run on workers");
      }
      if (d.version() != task.version()) {
        throw new IllegalArgumentException(
            d.id() + ": the runner is version " + task.version() + ", the SDK " + d.version());
      }
      if (this.tasks.putIfAbsent(key, new Entry(external, task)) != null) {
        throw new IllegalArgumentException(
            "task " + key.taskType() + "/" + key.taskName() + " is registered twice");
      }
    }
  }

  /** The tasks built into this agent that need no environment: {@code noop}. */
  public static TaskRegistry builtIn() {
    return new TaskRegistry(List.of(new NoopTask()));
  }

  /**
   * Every task built into this agent: {@code noop} and the Debian tasks, which run their commands
   * on the host or in instances of {@code environments}.
   */
  public static TaskRegistry builtIn(Environments environments) {
    return new TaskRegistry(
        List.of(
            new NoopTask(),
            new MmdebstrapRunner(environments),
            new SbuildRunner(environments),
            new LintianRunner(environments),
            new MakeSourcePackageUploadRunner(environments),
            new MergeUploadsRunner(environments),
            new BlhcRunner(environments),
            new DebdiffRunner(environments),
            new AutopkgtestRunner(environments),
            new ExtractForSigningRunner(environments),
            new AssembleSignedSourceRunner(environments)));
  }

  public Optional<WorkerTask> find(String taskType, String taskName) {
    return entry(taskType, taskName).map(Entry::runner);
  }

  /** The definition and runner of a task. */
  public Optional<Entry> entry(String taskType, String taskName) {
    return Optional.ofNullable(tasks.get(new Key(taskType, taskName)));
  }

  public Collection<WorkerTask> all() {
    return tasks.values().stream().map(Entry::runner).toList();
  }

  public Collection<Entry> entries() {
    return Collections.unmodifiableCollection(tasks.values());
  }

  /**
   * The worker-provided tags of the tasks this agent runs: each task's version tag {@code
   * task:<type>:<name>:v<version>} and what its {@code providedWorkerTags} hook finds with this
   * probe. Only tasks with a runner here: announcing another would draw work this agent cannot do.
   */
  public Set<Tag> providedWorkerTags(WorkerProbe probe) {
    Set<Tag> tags = new LinkedHashSet<>();
    for (Entry e : tasks.values()) {
      tags.add(Tag.worker(e.definition().versionTag()));
      tags.addAll(e.definition().providedWorkerTags(probe));
    }
    return tags;
  }
}

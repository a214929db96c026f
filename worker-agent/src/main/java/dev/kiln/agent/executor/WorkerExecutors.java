package dev.kiln.agent.executor;

import dev.kiln.task.model.Backend;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The executor backends of this worker, one per {@link Backend}, sharing one process runner. */
public final class WorkerExecutors {

  private final ProcessRunner runner;
  private final Map<Backend, Executor> executors = new EnumMap<>(Backend.class);

  public WorkerExecutors(ExecutorSettings s) {
    this.runner = new ProcessRunner(s.killGrace());
    add(new UnshareExecutor(runner, s.instancesDir(), s.unshareHostUser(), s.buildUser()));
    add(new IncusExecutor(runner, false, s.incusProfile(), s.buildUser(), s.bootTimeout()));
    add(new IncusExecutor(runner, true, s.incusProfile(), s.buildUser(), s.bootTimeout()));
    add(
        new QemuExecutor(
            runner,
            s.instancesDir(),
            new QemuExecutor.Settings(
                s.hostArchitecture(),
                s.qemuKvm(),
                s.qemuMemoryMiB(),
                s.qemuCpus(),
                s.qemuSshKey().orElse(null),
                s.bootTimeout()),
            s.buildUser()));
  }

  private void add(Executor e) {
    executors.put(e.backend(), e);
  }

  /** The process runner host commands of tasks should use too (same grace period). */
  public ProcessRunner runner() {
    return runner;
  }

  /** The executor of a backend; {@code auto} is unshare. */
  public Optional<Executor> get(Backend backend) {
    return Optional.ofNullable(executors.get(Backend.resolve(backend)));
  }

  public Collection<Executor> all() {
    return Collections.unmodifiableCollection(executors.values());
  }
}

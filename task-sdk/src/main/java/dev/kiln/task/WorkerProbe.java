package dev.kiln.task;

import java.util.Optional;

/**
 * What a task's {@code providedWorkerTags} hook may ask about the worker it runs on. The worker
 * agent implements it (e.g. with {@code dpkg-query} and the executor backends' own checks); tests
 * use a fake.
 */
public interface WorkerProbe {

  /**
   * The installed version of a tool (a Debian package or executable name), or empty when it is not
   * installed.
   */
  Optional<String> toolVersion(String tool);

  /** Whether the executor backend ({@code unshare}, {@code incus-lxc}, ...) can run here. */
  boolean executorAvailable(String backend);
}

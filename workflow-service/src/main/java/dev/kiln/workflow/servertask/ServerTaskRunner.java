package dev.kiln.workflow.servertask;

import dev.kiln.workflow.domain.servertask.ServerTaskCommand;
import dev.kiln.workflow.domain.servertask.ServerTaskOutcome;

/**
 * Runs one server task, by name. Implementations are CDI beans of this service: the registry is
 * fixed at build time and nothing a user sends can add code to it. A runner throws only for
 * unexpected failures (they become an {@code error} result); a task that fails on its own terms
 * returns a failure or error outcome.
 */
public interface ServerTaskRunner {

  /** The {@code task_name} of the server task it runs. */
  String taskName();

  /**
   * Whether a run of this task whose runner died during it may simply be run again from the start
   * (it has no effect outside, or its effects are repeated harmlessly). When false, such a run ends
   * {@code error} naming the runner that died: what it did may have to be looked at first.
   */
  default boolean safeToRerun() {
    return false;
  }

  /** Runs the task of this command. */
  ServerTaskOutcome run(ServerTaskCommand command) throws Exception;
}

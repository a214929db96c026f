package dev.kiln.agent.executor;

/**
 * How a command ended.
 *
 * @param exitCode its exit status; 128 + the signal number when a signal ended it
 * @param timedOut whether it was stopped because its timeout passed
 * @param cancelled whether it was stopped because it was cancelled (or its thread interrupted)
 */
public record ExecResult(int exitCode, boolean timedOut, boolean cancelled) {

  /** Whether it ran to the end and exited 0. */
  public boolean succeeded() {
    return exitCode == 0 && !timedOut && !cancelled;
  }
}

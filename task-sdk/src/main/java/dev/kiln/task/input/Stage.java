package dev.kiln.task.input;

/** When the server needs an input field resolved. */
public enum Stage {
  /**
   * Needed to compute the task's configuration subject and context, i.e. before the task
   * configuration is applied. {@code getSubject()} and {@code getConfigurationContext()} may rely
   * on every CONFIG field being resolved, and on nothing else.
   */
  CONFIG,
  /** Needed only to run the task; resolved with the rest of the dynamic data. */
  EXECUTION
}

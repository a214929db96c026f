package dev.kiln.agent.core;

/**
 * Hears what the agent does, for metrics and tests. Called on the agent's own threads; must not
 * block.
 */
public interface AgentListener {

  /** How one attempt ended on this agent. */
  enum AttemptEnd {
    /** The scheduler accepted the report. */
    REPORTED,
    /** The scheduler answered that the attempt is no longer ours (FAILED_PRECONDITION). */
    STALE,
    /** The scheduler refused the report for good (invalid, not found, forbidden). */
    REFUSED,
    /** Aborted by the scheduler or stopped by shutdown: nothing was uploaded or reported. */
    ABORTED
  }

  AgentListener NONE = new AgentListener() {};

  /** The stream was welcomed (true) or ended (false). */
  default void connectionChanged(boolean connected) {}

  /** An assignment was not started (the agent is draining, or runs that attempt already). */
  default void assignmentDeclined(long workRequestId, int attempt, String why) {}

  /** An attempt ended. All its uploads and reports have happened when this is called. */
  default void attemptEnded(long workRequestId, int attempt, AttemptEnd end) {}
}

package dev.kiln.scheduler.service;

/** The scheduler's end of one connected agent's stream (implemented by the gRPC layer). */
public interface AgentChannel {

  long workerId();

  /** Sends an assignment; false when the stream is gone. */
  boolean push(AssignmentView assignment);

  /** Tells the agent to stop an attempt. */
  void abort(long workRequestId, int attempt, String reason);
}

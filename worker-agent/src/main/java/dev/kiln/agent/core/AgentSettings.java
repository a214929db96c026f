package dev.kiln.agent.core;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the agent core needs to know; the Quarkus layer builds it from the configuration.
 *
 * @param registrationToken the pre-shared token to register with
 * @param workerName the worker's stable name
 * @param concurrency how many work requests run at once
 * @param workDir where attempts get their private directories
 * @param agentVersion the version announced in Hello
 * @param heartbeatFallback the heartbeat interval when the scheduler's Welcome names none
 * @param initialBackoff the first wait before retrying (reconnecting, reporting)
 * @param maxBackoff the longest wait between retries
 * @param callTimeout the deadline of each unary call to the scheduler
 */
public record AgentSettings(
    String registrationToken,
    String workerName,
    int concurrency,
    Path workDir,
    String agentVersion,
    Duration heartbeatFallback,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration callTimeout) {

  public AgentSettings {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, not " + concurrency);
    }
  }
}

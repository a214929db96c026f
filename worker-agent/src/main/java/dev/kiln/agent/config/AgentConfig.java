package dev.kiln.agent.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the worker agent ({@code kiln.agent.*}); the environment variable in brackets. */
@ConfigMapping(prefix = "kiln.agent")
public interface AgentConfig {

  /** Host of the scheduler's gRPC endpoint (KILN_SCHEDULER_GRPC_HOST). */
  @WithDefault("127.0.0.1")
  String schedulerHost();

  /**
   * Port of the scheduler's gRPC endpoint, which is its HTTP port, h2c (KILN_SCHEDULER_GRPC_PORT).
   */
  @WithDefault("8081")
  int schedulerPort();

  /** Base URL of the artifact service (KILN_ARTIFACT_URL). */
  @WithDefault("http://127.0.0.1:8082")
  String artifactUrl();

  /** Pre-shared token the agent registers with; a secret (KILN_REGISTRATION_TOKEN). */
  String registrationToken();

  /** Worker name, stable across restarts (KILN_WORKER_NAME); the host name when unset. */
  Optional<String> workerName();

  /** How many work requests run at once (KILN_AGENT_CONCURRENCY). */
  @WithDefault("1")
  int concurrency();

  /**
   * Directory for the files and logs of running tasks (KILN_AGENT_WORK_DIR); a temporary one when
   * unset.
   */
  Optional<String> workDir();

  /** Heartbeat interval when the scheduler's Welcome names none (KILN_AGENT_HEARTBEAT_INTERVAL). */
  @WithDefault("30s")
  Duration heartbeatInterval();

  /**
   * First wait before reconnecting or retrying a report; it doubles, with jitter
   * (KILN_AGENT_RETRY_INITIAL).
   */
  @WithDefault("500ms")
  Duration retryInitialBackoff();

  /** Longest wait between reconnections or report retries (KILN_AGENT_RETRY_MAX). */
  @WithDefault("10s")
  Duration retryMaxBackoff();

  /** Deadline of each unary call to the scheduler (KILN_AGENT_CALL_TIMEOUT). */
  @WithDefault("30s")
  Duration callTimeout();

  /**
   * How long running work may go on finishing after SIGTERM before it is stopped
   * (KILN_AGENT_DRAIN_GRACE).
   */
  @WithDefault("60s")
  Duration drainGrace();

  /**
   * How often a running task's log file is read for new lines to stream to the scheduler
   * (KILN_AGENT_LOG_POLL).
   */
  @WithDefault("250ms")
  Duration logPollInterval();

  /**
   * How often the agent's own log gets a progress line of each running task: task, elapsed time,
   * lines and bytes of its log (KILN_AGENT_PROGRESS_INTERVAL).
   */
  @WithDefault("30s")
  Duration progressInterval();
}

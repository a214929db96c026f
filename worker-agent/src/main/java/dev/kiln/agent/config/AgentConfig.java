package dev.kiln.agent.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Settings of the worker agent ({@code kiln.agent.*}). */
@ConfigMapping(prefix = "kiln.agent")
public interface AgentConfig {

  /** Host of the scheduler's gRPC endpoint (KILN_SCHEDULER_GRPC_HOST). */
  String schedulerHost();

  /** Port of the scheduler's gRPC endpoint, its HTTP port (KILN_SCHEDULER_GRPC_PORT). */
  int schedulerPort();

  /** Base URL of the artifact service (KILN_ARTIFACT_URL). */
  String artifactUrl();

  /** Pre-shared token the agent registers with (KILN_REGISTRATION_TOKEN). */
  String registrationToken();

  /** Worker name, stable across restarts (KILN_WORKER_NAME); the host name when empty. */
  Optional<String> workerName();

  /** Directory for the files of running tasks (KILN_AGENT_WORK_DIR); a temporary one when empty. */
  Optional<String> workDir();

  /** How many work requests run at once (KILN_AGENT_CONCURRENCY). */
  @WithDefault("1")
  int concurrency();
}

package dev.kiln.workflow.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the workflow service's calls to the other services and of its server-task runners
 * ({@code kiln.server-tasks.*}).
 */
@ConfigMapping(prefix = "kiln.server-tasks")
public interface ServerTaskConfig {

  /** Base URL of the scheduler's REST API (KILN_SCHEDULER_URL). */
  String schedulerUrl();

  /** Base URL of the artifact service's REST API (KILN_ARTIFACT_URL). */
  String artifactUrl();

  /**
   * The workflow service's own credential (KILN_WORKFLOW_SERVICE_TOKEN): the scheduler knows it as
   * the caller kind WORKFLOW, which creates workflows for users and completes server tasks. Unset:
   * every call to the scheduler fails (503); the rest of the service works.
   */
  Optional<String> serviceToken();

  /** How many server tasks this process runs at the same time (its share of the runner pool). */
  @WithDefault("4")
  int concurrency();

  /** Timeout of one HTTP call to the scheduler or the artifact service. */
  @WithDefault("10s")
  Duration httpTimeout();

  /** How many times a report of a result is retried on a transport failure or a 5xx. */
  @WithDefault("8")
  int reportAttempts();

  /** The first pause between two report attempts; it doubles up to 5 s. */
  @WithDefault("200ms")
  Duration reportBackoff();

  /**
   * The directory {@code packageupload} targets must lie under ({@code file://} and plain paths);
   * unset: local targets are refused.
   */
  Optional<String> localUploadRoot();

  /**
   * How long a claimed run stays this process's without a renewal (KILN_SERVER_TASKS_LEASE): the
   * process renews the leases of its runs every {@link #leaseCheckInterval}; a run whose lease
   * expired (its runner died) is taken over by a runner of any replica.
   */
  @WithDefault("60s")
  Duration lease();

  /**
   * How often this process renews its runs' leases and looks for expired ones
   * (KILN_SERVER_TASKS_LEASE_CHECK); well below {@link #lease}.
   */
  @WithDefault("10s")
  Duration leaseCheckInterval();

  /** The name this process records on its runs (defaults to the host name). */
  Optional<String> runnerName();
}

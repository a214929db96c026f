package dev.kiln.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the scheduler ({@code kiln.scheduler.*}). */
@ConfigMapping(prefix = "kiln.scheduler")
public interface SchedulerConfig {

  /** Pre-shared token that agents present to register (KILN_REGISTRATION_TOKEN). */
  String registrationToken();

  /** How often agents must heartbeat. */
  @WithDefault("5s")
  Duration heartbeatInterval();

  /** How long an assignment stays leased without a heartbeat before it returns to pending. */
  @WithDefault("30s")
  Duration leaseDuration();

  /** How many times a work request whose lease was lost is retried automatically. */
  @WithDefault("3")
  int maxAutomaticRetries();

  /** Validity of the work request token handed to an agent with each assignment. */
  @WithDefault("24h")
  Duration artifactTokenValidity();

  /**
   * Whether the report batches and claims run on PostgreSQL's generic plans ({@link
   * dev.kiln.scheduler.repository.QueryPlans}); false leaves the choice to PostgreSQL, to compare.
   */
  @WithDefault("true")
  boolean genericPlans();

  /** Fallback period of the dispatch loop when nothing wakes it. */
  @WithDefault("1s")
  Duration dispatchInterval();

  /**
   * Tag namespaces that count on a worker only when an administrator (or the system) set them: a
   * worker reporting {@code trust:official} about itself gets nothing that requires it. {@code
   * worker-type:} is always protected.
   */
  @WithDefault("trust:,signing:")
  java.util.List<String> protectedTagNamespaces();

  /** At most this many work requests are claimed by one dispatch statement. */
  @WithDefault("500")
  int dispatchBatchSize();

  /**
   * At most this many agents' result reports are recorded by one transaction (reports that arrive
   * while one runs wait for the next; a lone report does not wait).
   */
  @WithDefault("500")
  int reportBatchSize();

  /** The longest time limit a work request may be given. */
  @WithDefault("P7D")
  Duration maxTimeLimit();

  /** Period of the queue depth and worker gauges (one GROUP BY query each time). */
  @WithDefault("10s")
  Duration queueMetricsInterval();

  /** Period of the lease reaper. */
  @WithDefault("2s")
  Duration leaseCheckInterval();

  /** Kafka topic of work request events. */
  @WithDefault("kiln.work-requests")
  String workRequestTopic();

  /**
   * The architecture of a task whose task data names none (Debusine's server-defined fallback);
   * never taken from the worker.
   */
  @WithDefault("amd64")
  String fallbackArchitecture();

  /** Base URL of the artifact service, whose batch lookup API resolves task input fields. */
  @WithDefault("http://127.0.0.1:8082")
  String artifactUrl();

  /** Timeout of one call of the lookup API (connect and answer). */
  @WithDefault("10s")
  Duration lookupTimeout();

  /** Validity of the workspace-scoped token the scheduler signs for each lookup call. */
  @WithDefault("5m")
  Duration lookupTokenValidity();

  /** How many pending work requests one preparation pass takes at most. */
  @WithDefault("500")
  int preparationBatchSize();

  /** Fallback period of the preparation loop when nothing wakes it. */
  @WithDefault("1s")
  Duration preparationInterval();

  /** How long preparation waits before trying again after the lookup service was unreachable. */
  @WithDefault("5s")
  Duration preparationRetryDelay();

  /**
   * For how long after its creation a workflow child whose {@code internal@collections} input finds
   * nothing is retried instead of failed: the workflow service writes a producer's promise just
   * after the graph mutation that creates the producer answers.
   */
  @WithDefault("60s")
  Duration internalItemGrace();

  /**
   * Fallback period of the lifecycle router (synchronization points, wait timers, workflows and
   * their callbacks, server tasks) when nothing wakes it; it is also woken by every change that
   * makes work pending.
   */
  @WithDefault("1s")
  Duration lifecycleInterval();

  /** How many work requests one step of the lifecycle router takes at most. */
  @WithDefault("1000")
  int lifecycleBatchSize();
}

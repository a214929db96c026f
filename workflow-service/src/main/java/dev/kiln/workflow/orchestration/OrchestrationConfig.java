package dev.kiln.workflow.orchestration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the orchestration loop (the consumer of {@code workflow.orchestrate.v1}). */
@ConfigMapping(prefix = "kiln.orchestration")
public interface OrchestrationConfig {

  /** Base URL of the scheduler's REST API (graph, graph mutations, completion). */
  String schedulerUrl();

  /** Base URL of the artifact service's REST API (internal collections, lookups, artifacts). */
  String artifactUrl();

  /** Timeout of one call to either service. */
  @WithDefault("30s")
  Duration callTimeout();

  /** Attempts of one event (with exponential backoff) before the channel fails. */
  @WithDefault("10")
  int maxAttempts();

  /**
   * How many root workflows' children reactions are kept in memory (avoids a graph read per event).
   */
  @WithDefault("1000")
  int reactionCacheWorkflows();
}

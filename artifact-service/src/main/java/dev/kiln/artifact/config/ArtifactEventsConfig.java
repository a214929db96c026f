package dev.kiln.artifact.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Events of the artifact service ({@code kiln.artifact-events.*}); the relay is kiln-outbox's. */
@ConfigMapping(prefix = "kiln.artifact-events")
public interface ArtifactEventsConfig {

  /** Kafka topic of {@code artifact.created.v1} and {@code artifact.expired.v1}. */
  @WithDefault("kiln.artifacts")
  String topic();
}

package dev.kiln.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Settings of the outbox relay ({@code kiln.outbox.*}). The Kafka side is the {@code kiln-outbox}
 * channel ({@code mp.messaging.outgoing.kiln-outbox.*}), whose durable defaults come with this
 * module.
 */
@ConfigMapping(prefix = "kiln.outbox")
public interface OutboxConfig {

  /**
   * Whether this process runs the relay. Every replica may: one at a time holds the outbox's lock.
   */
  @WithDefault("true")
  boolean relayEnabled();

  /** Most events published in one transaction; at most 1024 (the emitter's buffer). */
  @WithDefault("256")
  int batchSize();

  /** How long a batch waits for the broker's acknowledgements before it is sent again whole. */
  @WithDefault("30s")
  Duration ackTimeout();

  /**
   * How often the relay looks at the outbox when no local commit wakes it (writes of other
   * replicas, rows left by a failed attempt).
   */
  @WithDefault("1s")
  Duration pollInterval();

  /** Longest pause between two attempts while the broker or the database keeps failing. */
  @WithDefault("5s")
  Duration maxBackoff();

  /**
   * How long published rows stay in the table (to inspect what was sent) before they are purged.
   */
  @WithDefault("P7D")
  Duration publishedRetention();
}

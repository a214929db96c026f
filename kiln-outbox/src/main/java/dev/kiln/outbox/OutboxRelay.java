package dev.kiln.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes the outbox to Kafka in id order and marks rows published only once the broker has
 * acknowledged them: at-least-once delivery, deduplicated by consumers on {@code event_id}. A
 * failed batch is sent again whole. One replica relays at a time (a PostgreSQL advisory lock on
 * this service's outbox table), which keeps per-key order across replicas.
 */
@ApplicationScoped
public class OutboxRelay {

  /** The outgoing channel every service's relay publishes on. */
  public static final String CHANNEL = "kiln-outbox";

  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
  private static final int EMITTER_BUFFER = 1024;
  private static final int PURGE_BATCH = 10_000;
  private static final long PURGE_EVERY_NANOS = TimeUnit.MINUTES.toNanos(10);

  @Inject OutboxRepository outbox;
  @Inject OutboxConfig config;
  @Inject MeterRegistry registry;

  @Inject
  @Channel(CHANNEL)
  @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = EMITTER_BUFFER)
  Emitter<String> emitter;

  private final Semaphore wake = new Semaphore(0);
  private volatile boolean running;
  private long lastPurge = System.nanoTime() - PURGE_EVERY_NANOS;
  private Counter published;
  private Counter failures;

  void start(@Observes StartupEvent event) {
    if (!config.relayEnabled()) {
      LOG.info("outbox relay disabled (kiln.outbox.relay-enabled=false)");
      return;
    }
    if (config.batchSize() < 1 || config.batchSize() > EMITTER_BUFFER) {
      throw new IllegalStateException(
          "kiln.outbox.batch-size must be between 1 and " + EMITTER_BUFFER);
    }
    if (!QuarkusTransaction.requiringNew().call(outbox::tableExists)) {
      LOG.info("no outbox_event table in this service's schema: the outbox relay does not run");
      return;
    }
    published = registry.counter("kiln_outbox_published_total");
    failures = registry.counter("kiln_outbox_relay_failures_total");
    running = true;
    Thread thread = new Thread(this::loop, "kiln-outbox-relay");
    thread.setDaemon(true);
    thread.start();
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    wake.release();
  }

  void onWritten(@Observes(during = TransactionPhase.AFTER_SUCCESS) OutboxWritten event) {
    if (wake.availablePermits() == 0) {
      wake.release();
    }
  }

  private void loop() {
    long backoffMs = 100;
    long maxBackoffMs = Math.max(backoffMs, config.maxBackoff().toMillis());
    while (running) {
      try {
        wake.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
        while (running && relayBatch() == config.batchSize()) {
          // keep draining
        }
        purgeNowAndThen();
        backoffMs = 100;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        failures.increment();
        LOG.warnf("publishing the outbox failed (%s); retrying", e.getMessage());
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
        backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
      }
    }
  }

  /** Publishes one batch; returns how many events it published. */
  @Transactional
  int relayBatch() {
    if (!outbox.tryRelayLock()) {
      return 0;
    }
    List<OutboxRepository.Pending> events = outbox.nextUnpublished(config.batchSize());
    if (events.isEmpty()) {
      return 0;
    }
    List<CompletableFuture<Void>> acks = new ArrayList<>(events.size());
    for (OutboxRepository.Pending e : events) {
      CompletableFuture<Void> ack = new CompletableFuture<>();
      RecordHeaders headers = new RecordHeaders();
      headers.add("event_type", e.eventType().getBytes(StandardCharsets.UTF_8));
      headers.add("event_id", e.eventId().getBytes(StandardCharsets.UTF_8));
      Message<String> message =
          Message.of(e.payload())
              .addMetadata(
                  OutgoingKafkaRecordMetadata.<String>builder()
                      .withTopic(e.topic())
                      .withKey(e.key())
                      .withHeaders(headers)
                      .build())
              .withAck(
                  () -> {
                    ack.complete(null);
                    return CompletableFuture.completedFuture(null);
                  })
              .withNack(
                  failure -> {
                    ack.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                  });
      emitter.send(message);
      acks.add(ack);
    }
    try {
      CompletableFuture.allOf(acks.toArray(new CompletableFuture[0]))
          .get(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka", e);
    } catch (Exception e) {
      // Nothing is marked: the whole batch is sent again (consumers deduplicate).
      throw new IllegalStateException("Kafka did not acknowledge the batch: " + e.getMessage(), e);
    }
    outbox.markPublished(events.stream().map(OutboxRepository.Pending::id).toList());
    published.increment(events.size());
    return events.size();
  }

  private void purgeNowAndThen() {
    if (System.nanoTime() - lastPurge < PURGE_EVERY_NANOS) {
      return;
    }
    lastPurge = System.nanoTime();
    Instant cutoff = Instant.now().minus(config.publishedRetention());
    while (running && purgeBatch(cutoff) == PURGE_BATCH) {
      // keep purging
    }
  }

  @Transactional
  int purgeBatch(Instant cutoff) {
    return outbox.purgePublished(cutoff, PURGE_BATCH);
  }
}

package dev.kiln.scheduler.messaging;

import dev.kiln.scheduler.repository.OutboxEventEntity;
import dev.kiln.scheduler.repository.OutboxRepository;
import dev.kiln.scheduler.service.WorkRequestEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
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
 * acknowledged them: at-least-once delivery, deduplicated by consumers on {@code event_id}. One
 * replica relays at a time (a PostgreSQL advisory lock), which keeps per-key order.
 */
@ApplicationScoped
public class OutboxRelay {

  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
  private static final int BATCH = 256;

  @Inject OutboxRepository outbox;
  @Inject MeterRegistry registry;

  @Inject
  @Channel("work-request-events")
  @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
  Emitter<String> emitter;

  private final Semaphore wake = new Semaphore(0);
  private volatile boolean running;

  void start(@Observes StartupEvent event) {
    running = true;
    Thread thread = new Thread(this::loop, "kiln-outbox-relay");
    thread.setDaemon(true);
    thread.start();
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    wake.release();
  }

  void onWritten(
      @Observes(during = TransactionPhase.AFTER_SUCCESS) WorkRequestEvents.OutboxWritten event) {
    if (wake.availablePermits() == 0) {
      wake.release();
    }
  }

  private void loop() {
    long backoffMs = 100;
    while (running) {
      try {
        wake.tryAcquire(1, TimeUnit.SECONDS);
        wake.drainPermits();
        while (running && relayBatch() == BATCH) {
          // keep draining
        }
        backoffMs = 100;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warnf("publishing the outbox failed (%s); retrying", e.getMessage());
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }

  /** Publishes one batch; returns how many events it published. */
  @Transactional
  int relayBatch() {
    if (!outbox.tryRelayLock()) {
      return 0;
    }
    List<OutboxEventEntity> events = outbox.nextUnpublished(BATCH);
    if (events.isEmpty()) {
      return 0;
    }
    List<CompletableFuture<Void>> acks = new ArrayList<>(events.size());
    for (OutboxEventEntity e : events) {
      CompletableFuture<Void> ack = new CompletableFuture<>();
      RecordHeaders headers = new RecordHeaders();
      headers.add("event_type", e.eventType.getBytes(StandardCharsets.UTF_8));
      headers.add("event_id", e.eventId.toString().getBytes(StandardCharsets.UTF_8));
      Message<String> message =
          Message.of(e.payload)
              .addMetadata(
                  OutgoingKafkaRecordMetadata.<String>builder()
                      .withTopic(e.topic)
                      .withKey(e.eventKey)
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
      CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Nothing is marked: the whole batch is sent again (consumers deduplicate).
      throw new IllegalStateException("Kafka did not acknowledge the batch: " + e.getMessage(), e);
    }
    outbox.markPublished(events.stream().map(ev -> ev.id).toList());
    registry.counter("kiln_outbox_published_total").increment(events.size());
    return events.size();
  }
}

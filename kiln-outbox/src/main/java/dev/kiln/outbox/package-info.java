/**
 * The transactional outbox shared by every Kiln service that emits events.
 *
 * <p>A service writes its events with {@link dev.kiln.outbox.OutboxWriter} inside the transaction
 * of the change they announce, into its own {@code outbox_event} table (created by the service's
 * own Flyway migration, in its own schema). {@link dev.kiln.outbox.OutboxRelay} publishes the rows
 * to Kafka in id order on the {@code kiln-outbox} channel and marks them published only once the
 * broker has acknowledged them ({@code acks=all}): delivery is at least once, and consumers
 * deduplicate on {@code event_id}. One replica of a service relays at a time (an advisory lock
 * keyed by the outbox table itself, so the relays of different services never wait for each other),
 * which keeps per-key order.
 */
package dev.kiln.outbox;

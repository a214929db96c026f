package dev.kiln.outbox;

/**
 * Fired inside the transaction that wrote outbox rows; the relay observes it after a successful
 * commit and wakes up instead of waiting for its next poll.
 */
public record OutboxWritten() {}

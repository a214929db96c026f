/**
 * Scheduling rules as plain Java: statuses and their legal transitions, task data validation.
 * Nothing here touches the database, REST, gRPC or Kafka.
 */
package dev.kiln.scheduler.domain;

/**
 * The scheduler's decisions as plain Java: statuses and their legal transitions ({@link
 * dev.kiln.scheduler.domain.WorkRequestStatus}), dependency graphs and their propagation ({@link
 * dev.kiln.scheduler.domain.DependencyGraph}, {@link dev.kiln.scheduler.domain.DependencyRules}),
 * manual unblocking, the rules of each task type ({@link dev.kiln.scheduler.domain.TaskTypeRules}),
 * tag matching with provenance ({@link dev.kiln.scheduler.domain.TagPolicy}, {@link
 * dev.kiln.scheduler.domain.TagClass}, {@link dev.kiln.scheduler.domain.CompatibilityIndex}),
 * dispatch order and priorities, leases, fencing and retries, task data validation. Nothing here
 * touches the database, REST, gRPC or Kafka: the services load a snapshot, ask, and apply the
 * answer.
 */
package dev.kiln.scheduler.domain;

/**
 * The lookup port of the task model: {@link dev.kiln.task.server.lookup.LookupResolver} resolves a
 * {@link dev.kiln.task.server.lookup.LookupBatch} in one call. A service implements it with a
 * client of the artifact service's batch lookup API ({@code POST /api/v1/lookups}); the records
 * serialise (with {@link dev.kiln.task.TaskJson#mapper()}) to that API's request shape.
 */
package dev.kiln.task.server.lookup;

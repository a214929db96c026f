/**
 * The internal tasks of the catalogue ({@code task_type} {@code internal}), handled by the
 * scheduler itself; their task data is the empty object.
 */
package dev.kiln.task.server.internal;

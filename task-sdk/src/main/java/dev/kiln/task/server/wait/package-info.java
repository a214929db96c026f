/**
 * The wait tasks of the catalogue ({@code task_type} {@code wait}): DB tasks that complete when
 * something else happens (a point in time, a user's action).
 */
package dev.kiln.task.server.wait;

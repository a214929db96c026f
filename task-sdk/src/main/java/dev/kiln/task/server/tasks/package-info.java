/**
 * The server tasks of the catalogue ({@code task_type} {@code server}): DB tasks run by the
 * server-task runners, never running user code. Execution comes later.
 */
package dev.kiln.task.server.tasks;

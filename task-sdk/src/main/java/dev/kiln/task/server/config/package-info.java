/**
 * Task configuration: the items of a {@code debusine:task-configuration} collection overlay a work
 * request's task data by (task type, task name, subject, context), giving the configured task data
 * that workers receive. See {@link dev.kiln.task.server.config.TaskConfiguration}.
 */
package dev.kiln.task.server.config;

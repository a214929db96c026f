/**
 * Server-side tasks: {@link dev.kiln.task.server.DbTask} (the spec's DBTask), the root of every
 * task the server handles, and {@link dev.kiln.task.server.ExternalTaskAdapter}, the proxy that
 * mirrors each worker and signing task into it, so that services handle every work request through
 * one interface. Also: input field resolution through a {@link
 * dev.kiln.task.server.lookup.LookupResolver} (one batch call), task configuration ({@code
 * dev.kiln.task.server.config}), {@link dev.kiln.task.server.TaskPreparation} (what the scheduler
 * runs when a work request becomes pending), and the server, wait and internal tasks of the
 * catalogue.
 *
 * <p>A service calls it like this:
 *
 * <pre>{@code
 * TaskRegistry registry = TaskCatalogue.registry();
 * List<FieldError> errors = registry.validate(taskType, taskName, taskData); // on submission
 * TaskPreparation preparation = new TaskPreparation(registry);
 * PreparedTask p = preparation.prepare(type, name, taskData, context, configurationSource);
 * // store p.configuredTaskData(), p.dynamicTaskDataJson(), p.tags()
 * }</pre>
 */
package dev.kiln.task.server;

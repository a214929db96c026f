/**
 * The Kiln task model (the Debusine task model after the 2026-02 task upgrade): what every side
 * shares.
 *
 * <ul>
 *   <li>{@link dev.kiln.task.TaskDefinition} and {@link dev.kiln.task.TaskRegistry}: a task is
 *       found by ({@code task_type}, {@code task_name}) and carries a version that workers report
 *       as the tag {@code task:<type>:<name>:v<version>}.
 *   <li>Typed task data ({@link dev.kiln.task.TaskData} records) checked against the JSON Schema
 *       {@code task-data/<task_type>/<task_name>.schema.json} of api-contracts; errors are {@link
 *       dev.kiln.task.FieldError}s naming the field by JSON path.
 *   <li>{@link dev.kiln.task.Tag}s with a {@link dev.kiln.task.TagProvenance}.
 *   <li>{@link dev.kiln.task.DynamicTaskData}: what the server resolved, read back by workers.
 * </ul>
 *
 * <p>Worker-side code lives in {@code dev.kiln.task.external} (the spec's BaseExternalTask and the
 * worker and signing tasks), server-side code in {@code dev.kiln.task.server} (the spec's DBTask,
 * the proxy adapters, lookups and task configuration). Nothing outside {@code dev.kiln.task.server}
 * depends on it; a test enforces it.
 */
package dev.kiln.task;

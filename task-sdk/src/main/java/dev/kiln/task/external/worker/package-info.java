/**
 * The worker tasks of the catalogue ({@code task_type} {@code worker}): one class per task, holding
 * its task data record, its input fields, its definition and its hooks. Execution comes later.
 */
package dev.kiln.task.external.worker;

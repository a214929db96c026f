/**
 * The signing tasks of the catalogue ({@code task_type} {@code signing}), run only by signing
 * workers. Execution comes later.
 */
package dev.kiln.task.external.signing;

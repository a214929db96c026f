/**
 * Task input fields: the lookups a task declares once ({@link dev.kiln.task.input.InputField}), and
 * the values they resolve to ({@link dev.kiln.task.input.InputArtifactSingle}, {@link
 * dev.kiln.task.input.InputArtifactMultiple}, {@link dev.kiln.task.input.InputCollectionSingle},
 * {@link dev.kiln.task.input.InputArchitecture}). The server resolves them and persists them in
 * {@code dynamic_task_data.inputs}; workers read them back with {@link
 * dev.kiln.task.input.InputValues} and never query for them.
 */
package dev.kiln.task.input;

package dev.kiln.task.input;

/**
 * The resolved value of an input field, as persisted in {@code dynamic_task_data.inputs.<name>}.
 */
public sealed interface InputValue
    permits InputArtifactSingle, InputArtifactMultiple, InputCollectionSingle, InputArchitecture {}

package dev.kiln.task;

/**
 * Marker of a task's typed {@code task_data}: a Java record whose components map to the snake_case
 * keys of the task's JSON Schema. A component annotated {@code @JsonProperty(required = true)} is a
 * required key; every other component is optional, nullable, and of a reference type.
 */
public interface TaskData {}

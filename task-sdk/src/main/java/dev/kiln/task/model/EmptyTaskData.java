package dev.kiln.task.model;

import dev.kiln.task.TaskData;

/** Task data that must be the empty object {@code {}} (internal tasks). */
public record EmptyTaskData() implements TaskData {}

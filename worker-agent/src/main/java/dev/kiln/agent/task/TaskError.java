package dev.kiln.agent.task;

/**
 * One entry of {@code output_data.errors}.
 *
 * @param message what went wrong, for people
 * @param code a short stable code such as {@code unknown-task} or {@code execute-failed}
 */
public record TaskError(String message, String code) {}

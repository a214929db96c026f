package dev.kiln.common.problem;

/**
 * One invalid input field of a request, as listed in a problem's {@code errors[]}.
 *
 * @param field the JSON path of the field, e.g. {@code task_data.result}
 * @param message what is wrong with it, readable by a person
 */
public record FieldError(String field, String message) {}

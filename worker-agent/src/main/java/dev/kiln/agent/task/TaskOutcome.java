package dev.kiln.agent.task;

import java.util.ArrayList;
import java.util.List;

/**
 * How an attempt ended.
 *
 * @param result success, failure or error
 * @param errors for an error: what went wrong (reported as {@code output_data.errors})
 */
public record TaskOutcome(Result result, List<TaskError> errors) {

  /** The results a worker reports. */
  public enum Result {
    /** The task did its work and the work succeeded. */
    SUCCESS,
    /** The task did its work and the work failed (a build failure, a failed test). */
    FAILURE,
    /** The task could not do its work. */
    ERROR
  }

  public TaskOutcome {
    errors = List.copyOf(errors);
  }

  public static TaskOutcome success() {
    return new TaskOutcome(Result.SUCCESS, List.of());
  }

  public static TaskOutcome failure() {
    return new TaskOutcome(Result.FAILURE, List.of());
  }

  public static TaskOutcome error(String code, String message) {
    return new TaskOutcome(Result.ERROR, List.of(new TaskError(message, code)));
  }

  /** This outcome turned into an error by one more problem (e.g. the log upload failed). */
  public TaskOutcome withError(String code, String message) {
    List<TaskError> all = new ArrayList<>(errors);
    all.add(new TaskError(message, code));
    return new TaskOutcome(Result.ERROR, all);
  }
}

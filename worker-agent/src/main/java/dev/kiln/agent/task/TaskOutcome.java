package dev.kiln.agent.task;

/**
 * How an attempt ended.
 *
 * @param result success, failure or error
 * @param errorCode for error: a short code such as {@code unknown-task} or {@code execute-failed}
 * @param errorMessage for error: what went wrong
 */
public record TaskOutcome(Result result, String errorCode, String errorMessage) {

  /** The results a worker can report. */
  public enum Result {
    SUCCESS,
    FAILURE,
    ERROR
  }

  public static TaskOutcome success() {
    return new TaskOutcome(Result.SUCCESS, null, null);
  }

  public static TaskOutcome failure() {
    return new TaskOutcome(Result.FAILURE, null, null);
  }

  public static TaskOutcome error(String code, String message) {
    return new TaskOutcome(Result.ERROR, code, message);
  }
}

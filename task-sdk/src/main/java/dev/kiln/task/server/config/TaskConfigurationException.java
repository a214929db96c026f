package dev.kiln.task.server.config;

/**
 * Task configuration cannot be applied: an item references a missing template, templates form a
 * cycle, or an item does not validate. The work request ends as {@code error} with {@link #code()}
 * {@value #CODE}.
 */
public class TaskConfigurationException extends Exception {

  /** The error code of a work request whose configuration failed. */
  public static final String CODE = "task-configuration-failed";

  private static final long serialVersionUID = 1L;

  /** An exception with this message. */
  public TaskConfigurationException(String message) {
    super(message);
  }

  /** Always {@value #CODE}. */
  public String code() {
    return CODE;
  }
}

package dev.kiln.scheduler.domain;

/**
 * Result of a completed work request: {@code success}, {@code failure} (the task said no), {@code
 * error} (infrastructure or configuration), {@code skipped}. {@code skipped} counts as success for
 * dependents.
 */
public enum WorkRequestResult {
  SUCCESS,
  FAILURE,
  ERROR,
  SKIPPED;

  /** The result as stored and sent: lower case. */
  public String wire() {
    return name().toLowerCase();
  }

  /**
   * The result of this wire name.
   *
   * @throws IllegalArgumentException for an unknown or empty name
   */
  public static WorkRequestResult fromWire(String value) {
    return valueOf(value.toUpperCase());
  }

  /** Whether dependents may go on whatever their {@code allow_failure}: success or skipped. */
  public boolean isSuccessful() {
    return this == SUCCESS || this == SKIPPED;
  }
}

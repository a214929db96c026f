package dev.kiln.scheduler.domain;

/** Result of a completed work request; {@code skipped} counts as success for dependants. */
public enum WorkRequestResult {
  SUCCESS,
  FAILURE,
  ERROR,
  SKIPPED;

  public String wire() {
    return name().toLowerCase();
  }
}

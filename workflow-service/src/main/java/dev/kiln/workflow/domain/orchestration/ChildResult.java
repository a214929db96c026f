package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The result of a completed work request. */
public enum ChildResult {
  /** It did what it should. */
  @JsonProperty("success")
  SUCCESS,
  /** The task said no (a failed build, a failed test). */
  @JsonProperty("failure")
  FAILURE,
  /** It could not run (infrastructure or configuration). */
  @JsonProperty("error")
  ERROR,
  /** It had nothing to do; counts as success. */
  @JsonProperty("skipped")
  SKIPPED;

  /** Success or skipped. */
  public boolean isSuccessful() {
    return this == SUCCESS || this == SKIPPED;
  }
}

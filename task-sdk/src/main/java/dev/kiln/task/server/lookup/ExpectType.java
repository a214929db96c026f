package dev.kiln.task.server.lookup;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a lookup must find ({@code expect_type} of the batch lookup API). */
public enum ExpectType {
  /** Artifacts. */
  ARTIFACT("artifact"),
  /** Collections. */
  COLLECTION("collection"),
  /** Bare collection items. */
  BARE("bare"),
  /** Artifacts or promises of artifacts (workflows). */
  ARTIFACT_OR_PROMISE("artifact_or_promise"),
  /** Anything. */
  ANY("any");

  private final String wire;

  ExpectType(String wire) {
    this.wire = wire;
  }

  /** The wire name. */
  @JsonValue
  public String wire() {
    return wire;
  }
}

package dev.kiln.task.input;

/** What an input field resolves to. */
public enum InputKind {
  /** One artifact, read as {@link InputArtifactSingle}. */
  SINGLE_ARTIFACT(InputArtifactSingle.class),
  /** Any number of artifacts, read as {@link InputArtifactMultiple}. */
  MULTIPLE_ARTIFACTS(InputArtifactMultiple.class),
  /** One collection, read as {@link InputCollectionSingle}. */
  SINGLE_COLLECTION(InputCollectionSingle.class),
  /**
   * An architecture: the task data's value, or the server-defined fallback when the task data
   * leaves it unset (never the worker's own architecture). Needs no lookup; read as {@link
   * InputArchitecture}.
   */
  ARCHITECTURE(InputArchitecture.class);

  private final Class<? extends InputValue> valueType;

  InputKind(Class<? extends InputValue> valueType) {
    this.valueType = valueType;
  }

  /** The record the field's persisted value reads as. */
  public Class<? extends InputValue> valueType() {
    return valueType;
  }

  /** Whether resolving the field takes a lookup. */
  public boolean isLookup() {
    return this != ARCHITECTURE;
  }
}

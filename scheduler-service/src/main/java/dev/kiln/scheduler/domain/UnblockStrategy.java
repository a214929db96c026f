package dev.kiln.scheduler.domain;

/**
 * How a blocked work request becomes pending: {@code deps} (when its dependencies are satisfied,
 * the default) or {@code manual} (only by a reviewer's accept, see {@link ManualUnblock}).
 */
public enum UnblockStrategy {
  DEPS,
  MANUAL;

  /** The strategy as stored and sent: lower case. */
  public String wire() {
    return name().toLowerCase();
  }

  /**
   * The strategy of this wire name.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static UnblockStrategy fromWire(String value) {
    return valueOf(value.toUpperCase());
  }
}

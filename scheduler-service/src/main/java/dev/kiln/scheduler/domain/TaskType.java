package dev.kiln.scheduler.domain;

import java.util.Arrays;
import java.util.Optional;

/** The six task types of the spec. */
public enum TaskType {
  WORKER,
  SERVER,
  INTERNAL,
  WORKFLOW,
  SIGNING,
  WAIT;

  public String wire() {
    return name().toLowerCase();
  }

  public static Optional<TaskType> fromWire(String value) {
    return Arrays.stream(values()).filter(t -> t.wire().equals(value)).findFirst();
  }
}

package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskJson;

/** JSON objects for tests, written with single quotes. */
public final class Json {

  private Json() {}

  /** {@code obj("{'a': 1}")}. */
  public static ObjectNode obj(String singleQuoted) {
    return (ObjectNode) TaskJson.parse(singleQuoted.replace('\'', '"'));
  }
}

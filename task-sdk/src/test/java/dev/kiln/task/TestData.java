package dev.kiln.task;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Test helpers: JSON from single-quoted text. */
public final class TestData {

  private TestData() {}

  /** Parses JSON written with single quotes for readability. */
  public static ObjectNode json(String singleQuoted) {
    return (ObjectNode) TaskJson.parse(singleQuoted.replace('\'', '"'));
  }
}

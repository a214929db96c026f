package dev.kiln.agent.taskio;

/** The relation types between artifacts (Debusine's). */
public enum Relation {
  /** The artifact adds to the target (an upload extends its binary packages). */
  EXTENDS("extends"),
  /** The artifact is about the target (a build log, a lintian analysis). */
  RELATES_TO("relates-to"),
  /** The artifact was built with the target (a binary package: its source, its environment). */
  BUILT_USING("built-using");

  private final String wire;

  Relation(String wire) {
    this.wire = wire;
  }

  /** The name in the artifact service's API. */
  public String wire() {
    return wire;
  }
}

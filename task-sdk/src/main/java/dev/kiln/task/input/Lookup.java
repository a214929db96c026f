package dev.kiln.task.input;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A lookup as written in task data, in Debusine's syntax: a string ({@code 12@artifacts}, {@code
 * debian/match:codename=bookworm}, {@code internal@collections/name:build-amd64}), an integer id,
 * or for multiple lookups a dict ({@code {"collection": ..., "category": ...}}) or a list of those.
 */
public sealed interface Lookup permits LookupSingle, LookupMultiple {

  /** The lookup exactly as written. */
  JsonNode json();
}

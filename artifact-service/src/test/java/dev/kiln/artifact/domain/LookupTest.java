package dev.kiln.artifact.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.common.problem.ApiException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LookupTest {

  @Test
  void everyHeadForm() {
    Lookup a = Lookup.parse("f", "42@artifacts", null);
    assertEquals(Lookup.Kind.ARTIFACT_ID, a.kind());
    assertEquals(42, a.id());
    assertEquals(Lookup.Kind.COLLECTION_ID, Lookup.parse("f", "7@collections", null).kind());
    assertEquals(Lookup.Kind.INTERNAL, Lookup.parse("f", "internal@collections", null).kind());
    Lookup singleton = Lookup.parse("f", "_@debusine:task-history", null);
    assertEquals(Lookup.Kind.SINGLETON, singleton.kind());
    assertEquals("debusine:task-history", singleton.category());
    Lookup named = Lookup.parse("f", "debian@debian:environments", null);
    assertEquals(Lookup.Kind.COLLECTION, named.kind());
    assertEquals("debian", named.collectionName());
    Lookup bare = Lookup.parse("f", "debian", "debian:environments");
    assertEquals("debian:environments", bare.category());
  }

  @Test
  void segments() {
    Lookup match =
        Lookup.parse(
            "f", "debian/match:codename=bookworm:architecture=amd64", "debian:environments");
    assertEquals(
        Map.of("codename", "bookworm", "architecture", "amd64"), match.segments().get(0).match());
    assertNull(match.segments().get(0).name());
    assertEquals(
        "build-amd64",
        Lookup.parse("f", "internal@collections/name:build-amd64", null).segments().get(0).name());
    assertEquals(
        "build-amd64",
        Lookup.parse("f", "internal@collections/build-amd64", null).segments().get(0).name());
  }

  @Test
  void malformedLookupsNameTheField() {
    for (String bad :
        new String[] {
          "",
          "x@artifacts",
          "1@artifacts/name:a",
          "debian",
          "a@unknown:category",
          "a@debian:suite/",
          "a@debian:suite/foo:bar",
          "a@debian:suite/match:novalue",
          "a@debian:suite/a/b",
          "@debian:suite"
        }) {
      ApiException e =
          assertThrows(
              ApiException.class, () -> Lookup.parse("task_data.environment", bad, null), bad);
      assertEquals(ApiException.Kind.INVALID_INPUT, e.kind(), bad);
      assertEquals("task_data.environment", e.errors().get(0).field(), bad);
    }
  }
}

package dev.kiln.artifact.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.common.problem.FieldError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArtifactRulesTest {

  private static final String SHA = "a".repeat(64);

  @Test
  void aValidArtifactHasNoErrors() {
    assertTrue(
        ArtifactRules.validate(
                "debusine:work-request-debug-logs",
                "System",
                12L,
                Map.of(
                    "noop.log",
                    new DeclaredFile(3L, SHA),
                    "empty",
                    new DeclaredFile(0L, Sha256.EMPTY)),
                Map.of())
            .isEmpty());
    assertTrue(ArtifactRules.validate("kiln:generic", "System", null, null, null).isEmpty());
  }

  @Test
  void everyErrorNamesItsField() {
    Map<String, DeclaredFile> files = new LinkedHashMap<>();
    files.put("noop.log", new DeclaredFile(-1L, "ABC"));
    files.put("../x", new DeclaredFile(1L, SHA));
    files.put("nosize", new DeclaredFile(null, null));
    files.put("empty", new DeclaredFile(0L, SHA));

    List<String> fields =
        ArtifactRules.validate("debian:nope", " ", 0L, files, Map.of()).stream()
            .map(FieldError::field)
            .toList();

    assertEquals(
        List.of(
            "category",
            "workspace",
            "work_request_id",
            "files.noop.log.size",
            "files.noop.log.sha256",
            "files.../x",
            "files.nosize.size",
            "files.nosize.sha256",
            "files.empty.sha256"),
        fields);
  }

  @Test
  void dataErrorsComeWithTheOthers() {
    assertEquals(
        List.of("data.name", "data.version", "workspace"),
        ArtifactRules.validate(
                "debian:source-package",
                "",
                null,
                null,
                Map.of("type", "dpkg", "dsc_fields", Map.of()))
            .stream()
            .map(FieldError::field)
            .toList());
  }

  @Test
  void theKnownCategoriesIncludeDebusinesAndTheGenericOne() {
    for (String category :
        List.of(
            "debian:source-package",
            "debian:binary-package",
            "debian:binary-packages",
            "debian:upload",
            "debian:package-build-log",
            "debian:lintian",
            "debian:autopkgtest",
            "debian:system-tarball",
            "debian:system-image",
            "debusine:signing-input",
            "debusine:signing-output",
            "debusine:signing-key",
            "debusine:work-request-debug-logs",
            "debian:repository-index",
            "kiln:generic")) {
      assertTrue(ArtifactCategories.isKnown(category), category);
    }
    assertEquals(15, ArtifactCategories.all().size());
  }
}

package dev.kiln.artifact.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.problem.FieldError;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each category's data: a valid sample passes; dropping a required key, giving a key the wrong type
 * and adding an unknown key each fail, naming the field.
 */
class ArtifactDataRulesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String TARBALL =
      """
      "filename": "system.tar.xz", "vendor": "debian", "codename": "bookworm",
      "mirror": "http://deb.debian.org/debian", "components": ["main"], "variant": "buildd",
      "pkglist": {"base-files": "12.4"}, "architecture": "amd64", "with_dev": true,
      "with_init": true""";

  /**
   * category, valid sample, a required key (dotted path; null when none is), a key (dotted path)
   * and a value of the wrong type for it, where an unknown key is refused (dotted path of its
   * object; null when extras are allowed).
   */
  static Stream<Arguments> categories() {
    return Stream.of(
        Arguments.of(
            "debian:source-package",
            """
            {"name": "hello", "version": "2.10-3", "type": "dpkg",
             "dsc_fields": {"Source": "hello", "Whatever-Field": "free"}}""",
            "version",
            "dsc_fields",
            "\"Source: hello\"",
            ""),
        Arguments.of(
            "debian:binary-package",
            """
            {"srcpkg_name": "hello", "srcpkg_version": "2.10-3",
             "deb_fields": {"Package": "hello", "Version": "2.10-3", "Architecture": "amd64"},
             "deb_control_files": ["control", "md5sums"]}""",
            "deb_control_files",
            "deb_control_files",
            "\"control\"",
            ""),
        Arguments.of(
            "debian:binary-packages",
            """
            {"srcpkg_name": "hello", "srcpkg_version": "2.10-3", "version": "2.10-3",
             "architecture": "amd64", "packages": ["hello", "hello-dbgsym"]}""",
            "architecture",
            "packages",
            "\"hello\"",
            ""),
        Arguments.of(
            "debian:upload",
            """
            {"type": "dpkg", "changes_fields": {"Source": "hello", "Architecture": "source amd64",
             "Files": [{"name": "hello_2.10-3.dsc", "md5sum": "x"}, {"name": "hello_2.10-3_amd64.deb"}]}}""",
            "changes_fields.Files",
            "type",
            "\"rpm\"",
            ""),
        Arguments.of(
            "debian:package-build-log",
            """
            {"source": "hello", "version": "2.10-3", "architecture": "amd64",
             "filename": "hello_2.10-3_amd64.build",
             "bd_uninstallable": {"output-version": "1.2", "native-architecture": "amd64",
              "report": [{"package": "sbuild-build-depends-main-dummy", "version": "0.invalid.0",
                "architecture": "amd64", "status": "broken",
                "reasons": [{"missing": {"pkg": {"package": "sbuild-build-depends-main-dummy",
                  "version": "0.invalid.0", "architecture": "amd64",
                  "unsat-dependency": "libfoo-dev:amd64"}}}]}],
              "total-packages": 1, "broken-packages": 1, "background-packages": 0,
              "foreground-packages": 1}}""",
            "filename",
            "bd_uninstallable.total-packages",
            "\"1\"",
            "bd_uninstallable"),
        Arguments.of(
            "debian:lintian",
            """
            {"architecture": "amd64", "summary": {"tags_count_by_severity": {"error": 0, "warning": 2},
             "package_filename": {"hello": "hello_2.10-3_amd64.deb"}, "tags_found": ["a", "b"],
             "overridden_tags_found": [], "lintian_version": "2.116.3", "distribution": "bookworm"}}""",
            "summary.lintian_version",
            "summary.tags_count_by_severity.warning",
            "\"two\"",
            "summary"),
        Arguments.of(
            "debian:autopkgtest",
            """
            {"results": {"upstream": {"status": "PASS"}, "flaky": {"status": "FLAKY", "details": "x"}},
             "cmdline": "autopkgtest hello.dsc -- unshare", "architecture": "amd64",
             "distribution": "debian:bookworm",
             "source_package": {"name": "hello", "version": "2.10-3",
              "url": "https://deb.debian.org/debian/pool/main/h/hello/hello_2.10-3.dsc"}}""",
            "source_package.url",
            "results.upstream.status",
            "\"OK\"",
            "source_package"),
        Arguments.of(
            "debian:system-tarball", "{" + TARBALL + "}", "mirror", "with_dev", "\"yes\"", ""),
        Arguments.of(
            "debian:system-image",
            "{"
                + TARBALL
                + ", \"image_format\": \"qcow2\", \"filesystem\": \"ext4\", \"size\": 2147483648,"
                + " \"boot_mechanism\": \"efi\"}",
            "boot_mechanism",
            "size",
            "\"2G\"",
            ""),
        Arguments.of(
            "debian:repository-index",
            "{\"path\": \"dists/bookworm/main/binary-amd64/Packages.xz\"}",
            null,
            "path",
            "5",
            ""),
        Arguments.of(
            "debusine:signing-input",
            "{\"trusted_certs\": [\""
                + "a".repeat(64)
                + "\"], \"binary_package_name\": \"grub-efi\"}",
            null,
            "trusted_certs",
            "\"a\"",
            ""),
        Arguments.of(
            "debusine:signing-output",
            """
            {"purpose": "uefi", "fingerprint": "ABCDEF",
             "results": [{"file": "grubx64.efi", "output_file": "grubx64.efi.signed"},
                         {"file": "other.efi", "error_message": "not a PE file"}]}""",
            "fingerprint",
            "purpose",
            "\"x509\"",
            ""),
        Arguments.of(
            "debusine:signing-key",
            """
            {"purpose": "openpgp", "fingerprint": "ABCDEF0123",
             "public_key": "-----BEGIN PGP PUBLIC KEY BLOCK-----", "description": null}""",
            "public_key",
            "fingerprint",
            "12",
            ""),
        Arguments.of("debusine:work-request-debug-logs", "{}", null, null, null, ""),
        Arguments.of(
            "kiln:generic", "{\"anything\": [1, {\"goes\": true}]}", null, null, null, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("categories")
  void aValidSamplePasses(String category, String sample) throws Exception {
    assertEquals(List.of(), validate(category, JSON.readTree(sample)), category);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("categories")
  void aMissingRequiredKeyIsNamed(String category, String sample, String required)
      throws Exception {
    if (required == null) {
      return; // no key of this category is required
    }
    ObjectNode data = (ObjectNode) JSON.readTree(sample);
    parentOf(data, required).remove(last(required));

    assertEquals(
        List.of(new FieldError("data." + required, "is required")), validate(category, data));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("categories")
  void aWrongTypeIsNamed(
      String category, String sample, String required, String key, String wrongValue)
      throws Exception {
    if (key == null) {
      return; // nothing has a type to get wrong
    }
    ObjectNode data = (ObjectNode) JSON.readTree(sample);
    parentOf(data, key).set(last(key), JSON.readTree(wrongValue));

    List<FieldError> errors = validate(category, data);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("data." + key, errors.get(0).field());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("categories")
  void anUnknownKeyIsNamedUnlessExtrasAreAllowed(
      String category,
      String sample,
      String required,
      String key,
      String wrongValue,
      String strictObject)
      throws Exception {
    ObjectNode data = (ObjectNode) JSON.readTree(sample);
    if (strictObject == null) {
      data.put("colour", "blue");
      assertEquals(List.of(), validate(category, data));
      return;
    }
    ObjectNode target = strictObject.isEmpty() ? data : (ObjectNode) at(data, strictObject);
    target.put("colour", "blue");

    String field = "data." + (strictObject.isEmpty() ? "" : strictObject + ".") + "colour";
    assertEquals(List.of(new FieldError(field, "unknown field")), validate(category, data));
  }

  @Test
  void signingResultsHoldAnOutputOrAnErrorNeverBoth() throws Exception {
    ObjectNode data =
        (ObjectNode)
            JSON.readTree(
                """
                {"purpose": "uefi", "fingerprint": "F",
                 "results": [{"file": "a", "output_file": "a.signed", "error_message": "x"},
                             {"file": "b"}]}""");
    List<String> fields =
        validate("debusine:signing-output", data).stream()
            .map(FieldError::field)
            .distinct()
            .toList();
    assertTrue(fields.contains("data.results[0]"), fields.toString());
    assertTrue(fields.contains("data.results[1]"), fields.toString());
  }

  @Test
  void uploadsFollowDebusinesSourceAndBinaryRules() throws Exception {
    assertEquals(
        List.of(
            new FieldError(
                "data.changes_fields.Files",
                "an upload for 'source' lists exactly one .dsc, not 0"),
            new FieldError(
                "data.changes_fields.Files",
                "a source-only upload lists no binary package: [hello_1_amd64.deb]")),
        validate("debian:upload", upload("source", "hello_1.tar.xz", "hello_1_amd64.deb")));
    assertEquals(
        List.of(
            new FieldError(
                "data.changes_fields.Files", "a binary-only upload lists no .dsc: [hello_1.dsc]"),
            new FieldError(
                "data.changes_fields.Files",
                "an upload for [amd64] lists at least one .deb or .udeb")),
        validate("debian:upload", upload("amd64", "hello_1.dsc")));
    assertEquals(List.of(), validate("debian:upload", upload("source", "hello_1.dsc", "x.tar.xz")));
    assertEquals(List.of(), validate("debian:upload", upload("all amd64", "hello_1_all.udeb")));
  }

  @Test
  void everyKnownCategoryHasASchema() {
    for (String category : ArtifactCategories.all()) {
      assertTrue(
          ArtifactDataRulesTest.class.getResource(ArtifactDataRules.schemaResource(category))
              != null,
          category);
    }
    assertEquals(
        "/artifact-data/debian/source-package.schema.json",
        ArtifactDataRules.schemaResource("debian:source-package"));
  }

  private static ObjectNode upload(String architecture, String... files) {
    ObjectNode data = JSON.createObjectNode().put("type", "dpkg");
    ObjectNode changes = data.putObject("changes_fields").put("Architecture", architecture);
    var list = changes.putArray("Files");
    for (String f : files) {
      list.addObject().put("name", f);
    }
    return data;
  }

  private static List<FieldError> validate(String category, JsonNode data) {
    return ArtifactDataRules.validate(
        category, JSON.convertValue(data, new TypeReference<Map<String, Object>>() {}));
  }

  private static JsonNode at(JsonNode root, String dotted) {
    JsonNode n = root;
    for (String part : dotted.split("\\.")) {
      n = n.get(part);
    }
    return n;
  }

  private static ObjectNode parentOf(ObjectNode root, String dotted) {
    int dot = dotted.lastIndexOf('.');
    return dot < 0 ? root : (ObjectNode) at(root, dotted.substring(0, dot));
  }

  private static String last(String dotted) {
    return dotted.substring(dotted.lastIndexOf('.') + 1);
  }
}

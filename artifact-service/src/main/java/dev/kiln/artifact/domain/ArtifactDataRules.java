package dev.kiln.artifact.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.problem.FieldError;
import dev.kiln.task.JsonDataSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the {@code data} of an artifact must hold, per category: the category's JSON Schema from
 * api-contracts ({@code artifact-data/<namespace>/<name>.schema.json}, the fields of Debusine's
 * models) and, for {@code debian:upload}, Debusine's consistency rules between the architectures
 * and the files of the {@code .changes}. Each error names its field as {@code data.<path>}.
 */
public final class ArtifactDataRules {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, JsonDataSchema> SCHEMAS = new ConcurrentHashMap<>();

  private ArtifactDataRules() {}

  /**
   * The classpath resource of a category's schema: {@code debian:lintian} → {@code
   * /artifact-data/debian/lintian.schema.json}.
   */
  public static String schemaResource(String category) {
    return "/artifact-data/" + category.replace(':', '/') + ".schema.json";
  }

  /**
   * Errors of the data of an artifact of a known category; empty when it is valid.
   *
   * @param data the data as submitted; null counts as {@code {}}
   */
  public static List<FieldError> validate(String category, Map<String, Object> data) {
    JsonNode node = JSON.valueToTree(data == null ? Map.of() : data);
    List<FieldError> errors = new ArrayList<>();
    for (dev.kiln.task.FieldError e : schema(category).validate(node)) {
      errors.add(new FieldError(e.field(), e.message()));
    }
    if (errors.isEmpty() && category.equals("debian:upload")) {
      uploadConsistency(node.path("changes_fields"), errors);
    }
    return errors;
  }

  private static JsonDataSchema schema(String category) {
    if (!ArtifactCategories.isKnown(category)) {
      throw new IllegalArgumentException("unknown artifact category " + category);
    }
    return SCHEMAS.computeIfAbsent(category, c -> JsonDataSchema.load(schemaResource(c), "data"));
  }

  /** Debusine's DebianUpload validators: the files must fit the architectures. */
  private static void uploadConsistency(JsonNode changes, List<FieldError> errors) {
    Set<String> architectures =
        new HashSet<>(Arrays.asList(changes.path("Architecture").asText().trim().split("\\s+")));
    architectures.remove("");
    List<String> sources = new ArrayList<>();
    List<String> binaries = new ArrayList<>();
    for (JsonNode file : changes.path("Files")) {
      String name = file.path("name").asText();
      if (name.endsWith(".dsc")) {
        sources.add(name);
      } else if (name.endsWith(".deb") || name.endsWith(".udeb")) {
        binaries.add(name);
      }
    }
    String files = "data.changes_fields.Files";
    boolean withSource = architectures.contains("source");
    if (withSource && sources.size() != 1) {
      errors.add(
          new FieldError(
              files, "an upload for 'source' lists exactly one .dsc, not " + sources.size()));
    } else if (!withSource && !sources.isEmpty()) {
      errors.add(new FieldError(files, "a binary-only upload lists no .dsc: " + sources));
    }
    if (architectures.equals(Set.of("source")) && !binaries.isEmpty()) {
      errors.add(
          new FieldError(files, "a source-only upload lists no binary package: " + binaries));
    } else if (architectures.stream().anyMatch(a -> !a.equals("source")) && binaries.isEmpty()) {
      errors.add(
          new FieldError(
              files, "an upload for " + architectures + " lists at least one .deb or .udeb"));
    }
  }
}

package dev.kiln.artifact.domain;

import dev.kiln.common.problem.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a new artifact must look like. Each error names its JSON field. */
public final class ArtifactRules {

  /** Longest workspace name. */
  public static final int MAX_WORKSPACE_LENGTH = 255;

  private ArtifactRules() {}

  /**
   * Errors of an artifact submission, each naming its field (files by {@code files.<path>}, data by
   * {@code data.<path>}, see {@link ArtifactDataRules}); empty when it is valid.
   */
  public static List<FieldError> validate(
      String category,
      String workspace,
      Long workRequestId,
      Map<String, DeclaredFile> files,
      Map<String, Object> data) {
    List<FieldError> errors = new ArrayList<>();
    if (category == null || category.isBlank()) {
      errors.add(new FieldError("category", "is required"));
    } else if (!ArtifactCategories.isKnown(category)) {
      errors.add(
          new FieldError(
              "category",
              "unknown category '"
                  + category
                  + "'; known: "
                  + String.join(", ", ArtifactCategories.all())));
    } else {
      errors.addAll(ArtifactDataRules.validate(category, data));
    }
    if (workspace == null || workspace.isBlank()) {
      errors.add(new FieldError("workspace", "is required"));
    } else if (workspace.length() > MAX_WORKSPACE_LENGTH
        || workspace.chars().anyMatch(Character::isISOControl)) {
      errors.add(
          new FieldError(
              "workspace",
              "must be 1 to " + MAX_WORKSPACE_LENGTH + " characters, without control characters"));
    }
    if (workRequestId != null && workRequestId <= 0) {
      errors.add(new FieldError("work_request_id", "must be a positive number"));
    }
    if (files != null) {
      files.forEach((path, file) -> validateFile(path, file, errors));
    }
    return errors;
  }

  private static void validateFile(String path, DeclaredFile file, List<FieldError> errors) {
    String field = "files." + path;
    var unsafe = FilePaths.problem(path);
    if (unsafe.isPresent()) {
      errors.add(new FieldError(field, "unsafe path: " + unsafe.get()));
      return;
    }
    if (file == null) {
      errors.add(new FieldError(field, "must be an object with size and sha256"));
      return;
    }
    if (file.size() == null) {
      errors.add(new FieldError(field + ".size", "is required"));
    } else if (file.size() < 0) {
      errors.add(new FieldError(field + ".size", "must not be negative"));
    }
    if (file.sha256() == null) {
      errors.add(new FieldError(field + ".sha256", "is required"));
    } else if (!Sha256.isValid(file.sha256())) {
      errors.add(new FieldError(field + ".sha256", "must be 64 lowercase hexadecimal digits"));
    } else if (file.size() != null && (file.size() == 0) != file.sha256().equals(Sha256.EMPTY)) {
      errors.add(
          new FieldError(
              field + ".sha256",
              file.size() == 0
                  ? "a file of 0 bytes has SHA-256 " + Sha256.EMPTY
                  : "is the SHA-256 of 0 bytes, but size is " + file.size()));
    }
  }
}

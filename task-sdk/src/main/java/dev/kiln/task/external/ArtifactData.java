package dev.kiln.task.external;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.input.ArtifactInfo;
import java.util.Collection;
import java.util.Optional;

/** Reads well-known keys of artifact data, for subjects and configuration contexts. */
public final class ArtifactData {

  private ArtifactData() {}

  /**
   * The source package an artifact is about: {@code name} of a {@code debian:source-package},
   * {@code srcpkg_name} of binary packages, {@code source} of a build log, {@code
   * changes_fields.Source} of an upload.
   */
  public static Optional<String> sourcePackageName(ArtifactInfo artifact) {
    String name =
        switch (artifact.category()) {
          case "debian:source-package" -> artifact.dataText("name");
          case "debian:binary-package", "debian:binary-packages" ->
              artifact.dataText("srcpkg_name");
          case "debian:package-build-log" -> artifact.dataText("source");
          case "debian:upload" -> {
            JsonNode source = artifact.data().path("changes_fields").path("Source");
            yield source.isTextual() ? source.asText() : null;
          }
          default -> null;
        };
    return Optional.ofNullable(name).filter(s -> !s.isBlank());
  }

  /** The source package of the first of these artifacts that names one. */
  public static Optional<String> sourcePackageName(Collection<ArtifactInfo> artifacts) {
    for (ArtifactInfo a : artifacts) {
      Optional<String> name = sourcePackageName(a);
      if (name.isPresent()) {
        return name;
      }
    }
    return Optional.empty();
  }

  /** The {@code codename} of an environment (system tarball or image). */
  public static Optional<String> codename(ArtifactInfo environment) {
    return Optional.ofNullable(environment.dataText("codename")).filter(s -> !s.isBlank());
  }
}

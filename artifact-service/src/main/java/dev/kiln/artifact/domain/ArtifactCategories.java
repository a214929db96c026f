package dev.kiln.artifact.domain;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The artifact categories the service accepts. Debusine's categories (see the reference, section
 * 5.1) and {@value #GENERIC} for anything else; {@link ArtifactDataRules} checks the data of each.
 */
public final class ArtifactCategories {

  /** A category for artifacts that fit no Debian or Debusine category. */
  public static final String GENERIC = "kiln:generic";

  private static final Set<String> KNOWN =
      Set.of(
          "debian:source-package",
          "debian:binary-package",
          "debian:binary-packages",
          "debian:upload",
          "debian:package-build-log",
          "debian:lintian",
          "debian:autopkgtest",
          "debian:system-tarball",
          "debian:system-image",
          "debian:repository-index",
          "debusine:signing-input",
          "debusine:signing-output",
          "debusine:signing-key",
          "debusine:work-request-debug-logs",
          GENERIC);

  private ArtifactCategories() {}

  public static boolean isKnown(String category) {
    return category != null && KNOWN.contains(category);
  }

  /** Every known category, sorted. */
  public static List<String> all() {
    return List.copyOf(new TreeSet<>(KNOWN));
  }
}

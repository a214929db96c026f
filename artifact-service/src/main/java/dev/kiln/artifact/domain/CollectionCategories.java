package dev.kiln.artifact.domain;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The collection categories Kiln knows, and how items of each are named when the client names none.
 */
public final class CollectionCategories {

  public static final String ENVIRONMENTS = "debian:environments";
  public static final String SUITE = "debian:suite";
  public static final String WORKFLOW_INTERNAL = "debusine:workflow-internal";
  public static final String TASK_CONFIGURATION = "debusine:task-configuration";
  public static final String TASK_HISTORY = "debusine:task-history";
  public static final String PACKAGE_BUILD_LOGS = "debian:package-build-logs";
  public static final String GENERIC = "kiln:generic";

  /** Categories whose collections are singletons per workspace, named {@code _}. */
  public static final Set<String> SINGLETONS = Set.of(TASK_HISTORY, PACKAGE_BUILD_LOGS);

  public static final Set<String> ALL =
      Set.of(
          ENVIRONMENTS,
          SUITE,
          WORKFLOW_INTERNAL,
          TASK_CONFIGURATION,
          TASK_HISTORY,
          PACKAGE_BUILD_LOGS,
          GENERIC);

  /** Data keys whose values name an environment item: format, codename, arch, variant, backend. */
  public static final List<String> ENVIRONMENT_KEYS =
      List.of("codename", "architecture", "variant", "backend");

  private CollectionCategories() {}

  /**
   * The default name of an item: environments are named {@code
   * <format>:<codename>:<architecture>:<variant>:<backend>} from their data (missing parts empty),
   * so each combination has one active item; other categories need an explicit name.
   */
  public static String defaultItemName(
      String collectionCategory, String itemCategory, Map<String, Object> data) {
    if (!ENVIRONMENTS.equals(collectionCategory)) {
      return null;
    }
    StringBuilder name =
        new StringBuilder("debian:system-image".equals(itemCategory) ? "image" : "tarball");
    for (String key : ENVIRONMENT_KEYS) {
      Object v = data == null ? null : data.get(key);
      name.append(':').append(v == null ? "" : v.toString());
    }
    return name.toString();
  }
}

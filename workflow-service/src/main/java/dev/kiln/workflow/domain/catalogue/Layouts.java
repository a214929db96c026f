package dev.kiln.workflow.domain.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.OrchestrationException;
import dev.kiln.workflow.domain.orchestration.WorkflowView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the catalogue's orchestrators share: defaults, environment lookups, grouping by arch. */
final class Layouts {

  /** The architecture of architecture-independent packages. */
  static final String ALL = "all";

  private Layouts() {}

  static String vendor(String vendor) {
    return vendor == null || vendor.isBlank() ? "debian" : vendor;
  }

  static String prefix(String prefix) {
    return prefix == null ? "" : prefix;
  }

  static String archAllHost(String arch) {
    return arch == null || arch.isBlank() ? "amd64" : arch;
  }

  static boolean enabled(Boolean flag, boolean byDefault) {
    return flag == null ? byDefault : flag;
  }

  /** {@code <vendor>/match:codename=<codename>[:variant=<variant>]}. */
  static LookupSingle environment(String vendor, String codename, String variant) {
    String lookup = vendor(vendor) + "/match:codename=" + codename;
    if (variant != null && !variant.isBlank()) {
      lookup += ":variant=" + variant;
    }
    return LookupSingle.of(lookup);
  }

  /** The lookup of an item of the internal collection. */
  static String internal(String name) {
    return WorkflowView.INTERNAL_PREFIX + name;
  }

  /** A multiple lookup of these elements. */
  static LookupMultiple multiple(Collection<JsonNode> elements) {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    elements.forEach(list::add);
    return LookupMultiple.fromJson(list);
  }

  /** A multiple lookup of these lookup strings. */
  static LookupMultiple multipleOf(Collection<String> lookups) {
    return LookupMultiple.of(lookups.toArray(String[]::new));
  }

  /**
   * The elements of a multiple lookup grouped by the architecture of what each refers to (a
   * promise's or an artifact's {@code architecture}), sorted by architecture, restricted to {@code
   * only} when given.
   *
   * @throws OrchestrationException when an element's architecture is unknown
   */
  static Map<String, List<JsonNode>> byArchitecture(
      Layout<?> layout, LookupMultiple lookups, Collection<String> only) {
    Map<String, List<JsonNode>> out = new TreeMap<>();
    for (Layout.Resolved r : layout.resolveAll(lookups)) {
      String arch =
          r.architecture()
              .orElseThrow(
                  () ->
                      new OrchestrationException(
                          "the architecture of " + r.lookup() + " is not known"));
      if (only == null || only.isEmpty() || only.contains(arch)) {
        out.computeIfAbsent(arch, a -> new ArrayList<>()).add(r.lookup());
      }
    }
    return out;
  }

  /** The distinct architectures, sorted. */
  static List<String> sorted(Collection<String> architectures) {
    return architectures.stream().distinct().sorted().toList();
  }

  /**
   * Test runs by host architecture: per architecture of the binaries other than {@code all} (within
   * {@code only}, when given), that architecture's binaries plus the {@code all} ones; with only
   * {@code all} binaries, one run of them on {@code archAllHost}.
   */
  static Map<String, List<JsonNode>> testRuns(
      Layout<?> layout, LookupMultiple binaries, Collection<String> only, String archAllHost) {
    Map<String, List<JsonNode>> groups = byArchitecture(layout, binaries, null);
    List<JsonNode> all = groups.remove(ALL);
    Map<String, List<JsonNode>> runs = new LinkedHashMap<>();
    groups.forEach(
        (arch, archBinaries) -> {
          if (only == null || only.isEmpty() || only.contains(arch)) {
            List<JsonNode> run = new ArrayList<>(archBinaries);
            if (all != null) {
              run.addAll(all);
            }
            runs.put(arch, run);
          }
        });
    if (groups.isEmpty() && all != null) {
      runs.put(archAllHost(archAllHost), all);
    }
    return runs;
  }
}

package dev.kiln.task.server.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.List;
import java.util.Map;

/**
 * {@code workflow/update_environments}: one {@code worker/mmdebstrap} per target codename,
 * architecture and variant (grouped by codename); each result is added to {@code
 * <vendor>@debian:environments} under its codename (and aliases), architecture and variant.
 */
public final class UpdateEnvironmentsWorkflow {

  /**
   * Task data.
   *
   * @param vendor the vendor whose {@code debian:environments} collection is updated
   * @param targets what to bootstrap
   */
  public record Data(
      @JsonProperty(required = true) String vendor,
      @JsonProperty(required = true) List<Target> targets)
      implements TaskData {}

  /**
   * One group of environments.
   *
   * @param codenames the suites to bootstrap
   * @param codenameAliases other names per codename (e.g. {@code trixie: [testing]})
   * @param architectures the architectures
   * @param variants the mmdebstrap variants (default: the default variant only)
   * @param mirror the mirror
   * @param components the components (default: the suite's)
   * @param extraPackages packages to add
   * @param customizationScript a script run in the new system
   */
  public record Target(
      @JsonProperty(required = true) List<String> codenames,
      Map<String, List<String>> codenameAliases,
      @JsonProperty(required = true) List<String> architectures,
      List<String> variants,
      @JsonProperty(required = true) String mirror,
      List<String> components,
      List<String> extraPackages,
      String customizationScript) {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.workflow("update_environments", 1, Data.class, WorkflowTask::new).build();

  private UpdateEnvironmentsWorkflow() {}
}

package dev.kiln.task.server.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.model.Backend;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.List;

/**
 * {@code workflow/autopkgtest}: one {@code worker/autopkgtest} per architecture, each promising its
 * result ({@code <prefix>autopkgtest-<arch>}); with regression tracking, a callback per
 * architecture records the outcome as a {@code debian:qa-result} in the internal collection.
 */
public final class AutopkgtestWorkflow {

  /**
   * Task data.
   *
   * @param sourceArtifact the {@code debian:source-package}
   * @param binaryArtifacts the binaries under test
   * @param contextArtifacts other binaries made available
   * @param vendor the environment vendor (default {@code debian})
   * @param codename the environment codename
   * @param backend the executor backend
   * @param architectures only these architectures (default: every architecture of the binaries)
   * @param archAllHostArchitecture where tests of {@code all}-only binaries run (default {@code
   *     amd64})
   * @param enableRegressionTracking whether to record each outcome (default false)
   * @param prefix prefix of the names in the internal collection
   */
  public record Data(
      @JsonProperty(required = true) LookupSingle sourceArtifact,
      @JsonProperty(required = true) LookupMultiple binaryArtifacts,
      LookupMultiple contextArtifacts,
      String vendor,
      @JsonProperty(required = true) String codename,
      Backend backend,
      List<String> architectures,
      String archAllHostArchitecture,
      Boolean enableRegressionTracking,
      String prefix)
      implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.workflow("autopkgtest", 1, Data.class, WorkflowTask::new).build();

  private AutopkgtestWorkflow() {}
}

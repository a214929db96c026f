package dev.kiln.task.server.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.model.Backend;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.List;

/**
 * {@code workflow/qa}: the QA sub-workflows {@code lintian}, {@code autopkgtest}, {@code piuparts}
 * (each enabled by default), {@code blhc} and {@code debdiff} (enabled on request) on the same
 * build results.
 */
public final class QaWorkflow {

  /**
   * Task data.
   *
   * @param sourceArtifact the {@code debian:source-package}
   * @param binaryArtifacts the build results
   * @param buildLogs the build logs (required by {@code enable_blhc})
   * @param originalSourceArtifact the source to compare with (required by {@code enable_debdiff})
   * @param originalBinaryArtifacts the binaries to compare with
   * @param vendor the environment vendor (default {@code debian})
   * @param codename the environment codename
   * @param backend the executor backend
   * @param architectures only these architectures
   * @param archAllHostArchitecture where {@code all} packages are tested (default {@code amd64})
   * @param enableLintian run lintian (default true)
   * @param enableAutopkgtest run autopkgtest (default true)
   * @param enablePiuparts run piuparts (default true)
   * @param enableBlhc run blhc on the build logs (default false)
   * @param enableDebdiff compare with the original (default false)
   * @param prefix prefix of the names in the internal collection
   */
  public record Data(
      @JsonProperty(required = true) LookupSingle sourceArtifact,
      @JsonProperty(required = true) LookupMultiple binaryArtifacts,
      LookupMultiple buildLogs,
      LookupSingle originalSourceArtifact,
      LookupMultiple originalBinaryArtifacts,
      String vendor,
      @JsonProperty(required = true) String codename,
      Backend backend,
      List<String> architectures,
      String archAllHostArchitecture,
      Boolean enableLintian,
      Boolean enableAutopkgtest,
      Boolean enablePiuparts,
      Boolean enableBlhc,
      Boolean enableDebdiff,
      String prefix)
      implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.workflow("qa", 1, Data.class, WorkflowTask::new).build();

  private QaWorkflow() {}
}

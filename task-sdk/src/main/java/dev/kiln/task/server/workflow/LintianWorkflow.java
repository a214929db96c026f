package dev.kiln.task.server.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.external.worker.LintianTask;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.model.Backend;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.List;

/**
 * {@code workflow/lintian}: one {@code worker/lintian} per architecture of the binaries; the source
 * is analysed once, with the first architecture.
 */
public final class LintianWorkflow {

  /**
   * Task data.
   *
   * @param sourceArtifact the {@code debian:source-package}
   * @param binaryArtifacts the binaries or uploads (e.g. {@code
   *     internal@collections/name:build-amd64})
   * @param vendor the environment vendor (default {@code debian})
   * @param codename the environment codename
   * @param backend the executor backend
   * @param architectures only these architectures (default: every architecture of the binaries)
   * @param failOnSeverity the severity from which lintian fails
   * @param prefix prefix of the names in the internal collection
   */
  public record Data(
      @JsonProperty(required = true) LookupSingle sourceArtifact,
      @JsonProperty(required = true) LookupMultiple binaryArtifacts,
      String vendor,
      @JsonProperty(required = true) String codename,
      Backend backend,
      List<String> architectures,
      LintianTask.Severity failOnSeverity,
      String prefix)
      implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.workflow("lintian", 1, Data.class, WorkflowTask::new).build();

  private LintianWorkflow() {}
}

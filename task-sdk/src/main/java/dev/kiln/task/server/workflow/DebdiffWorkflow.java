package dev.kiln.task.server.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.model.Backend;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.List;

/**
 * {@code workflow/debdiff}: one {@code worker/debdiff} of the sources, and one per architecture of
 * the binaries present on both sides.
 */
public final class DebdiffWorkflow {

  /**
   * Task data.
   *
   * @param sourceArtifact the new {@code debian:source-package}
   * @param originalSourceArtifact the original one
   * @param binaryArtifacts the new binaries
   * @param originalBinaryArtifacts the original binaries
   * @param vendor the environment vendor (default {@code debian})
   * @param codename the environment codename
   * @param backend the executor backend
   * @param architectures only these architectures
   */
  public record Data(
      @JsonProperty(required = true) LookupSingle sourceArtifact,
      @JsonProperty(required = true) LookupSingle originalSourceArtifact,
      LookupMultiple binaryArtifacts,
      LookupMultiple originalBinaryArtifacts,
      String vendor,
      @JsonProperty(required = true) String codename,
      Backend backend,
      List<String> architectures)
      implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.workflow("debdiff", 1, Data.class, WorkflowTask::new).build();

  private DebdiffWorkflow() {}
}

package dev.kiln.task.server.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.model.Backend;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.List;

/** {@code workflow/piuparts}: one {@code worker/piuparts} per architecture of the binaries. */
public final class PiupartsWorkflow {

  /**
   * Task data.
   *
   * @param binaryArtifacts the binaries under test
   * @param vendor the environment vendor (default {@code debian})
   * @param codename the environment (and base tarball) codename
   * @param backend the executor backend
   * @param architectures only these architectures (default: every architecture of the binaries)
   * @param archAllHostArchitecture where {@code all}-only binaries are tested (default {@code
   *     amd64})
   * @param prefix prefix of the names in the internal collection
   */
  public record Data(
      @JsonProperty(required = true) LookupMultiple binaryArtifacts,
      String vendor,
      @JsonProperty(required = true) String codename,
      Backend backend,
      List<String> architectures,
      String archAllHostArchitecture,
      String prefix)
      implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.workflow("piuparts", 1, Data.class, WorkflowTask::new).build();

  private PiupartsWorkflow() {}
}

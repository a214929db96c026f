package dev.kiln.task.server.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.List;

/** {@code workflow/blhc}: one {@code worker/blhc} per build log. */
public final class BlhcWorkflow {

  /**
   * Task data.
   *
   * @param buildLogs the {@code debian:package-build-log}s to check
   * @param extraFlags extra blhc options for every check
   */
  public record Data(
      @JsonProperty(required = true) LookupMultiple buildLogs, List<String> extraFlags)
      implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.workflow("blhc", 1, Data.class, WorkflowTask::new).build();

  private BlhcWorkflow() {}
}

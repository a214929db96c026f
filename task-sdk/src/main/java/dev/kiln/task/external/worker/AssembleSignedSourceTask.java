package dev.kiln.task.external.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.external.ExecutorTask;
import dev.kiln.task.external.ExecutorTaskData;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.input.InputArchitecture;
import dev.kiln.task.input.InputArtifactMultiple;
import dev.kiln.task.input.InputArtifactSingle;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.model.Backend;

/**
 * {@code worker/assemblesignedsource}: builds a signed source package from a signing template and
 * {@code debusine:signing-output} artifacts.
 */
public final class AssembleSignedSourceTask extends ExecutorTask<AssembleSignedSourceTask.Data> {

  /**
   * Task data.
   *
   * @param environment the environment the assembly runs in
   * @param backend the executor backend (default {@code auto})
   * @param template the signing template ({@code debian:binary-package})
   * @param signed the signatures ({@code debusine:signing-output})
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) LookupSingle environment,
      Backend backend,
      @JsonProperty(required = true) LookupSingle template,
      @JsonProperty(required = true) LookupMultiple signed,
      LookupSingle taskConfiguration)
      implements ExecutorTaskData {}

  /** The architecture of the environment (the server's fallback). */
  public static final InputField<Data, InputArchitecture> HOST_ARCHITECTURE =
      InputField.fallbackArchitecture("host_architecture");

  /** The signing template. */
  public static final InputField<Data, InputArtifactSingle> TEMPLATE =
      InputField.singleArtifact("template", Data::template).categories("debian:binary-package");

  /** The signatures. */
  public static final InputField<Data, InputArtifactMultiple> SIGNED =
      InputField.multipleArtifacts("signed", Data::signed).categories("debusine:signing-output");

  /** The environment. */
  public static final InputField<Data, InputArtifactSingle> ENVIRONMENT =
      InputField.singleArtifact("environment", Data::environment)
          .environment(HOST_ARCHITECTURE, Data::backend);

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.worker(
              "assemblesignedsource", 1, Data.class, AssembleSignedSourceTask::new)
          .inputFields(HOST_ARCHITECTURE, TEMPLATE, SIGNED, ENVIRONMENT)
          .providedWorkerTags(ExecutorTask::executorWorkerTags)
          .build();

  private AssembleSignedSourceTask(
      ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }
}

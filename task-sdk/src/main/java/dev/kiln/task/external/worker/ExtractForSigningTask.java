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
 * {@code worker/extractforsigning}: extracts the files a signing template's {@code files.json}
 * lists from binary packages into {@code debusine:signing-input} artifacts.
 */
public final class ExtractForSigningTask extends ExecutorTask<ExtractForSigningTask.Data> {

  /**
   * Task data.
   *
   * @param input what to extract from
   * @param environment the environment the extraction runs in
   * @param backend the executor backend (default {@code auto})
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) Input input,
      @JsonProperty(required = true) LookupSingle environment,
      Backend backend,
      LookupSingle taskConfiguration)
      implements ExecutorTaskData {}

  /**
   * The inputs.
   *
   * @param templateArtifact the signing template ({@code debian:binary-package})
   * @param binaryArtifacts the binary packages holding the files to sign
   */
  public record Input(
      @JsonProperty(required = true) LookupSingle templateArtifact,
      @JsonProperty(required = true) LookupMultiple binaryArtifacts) {}

  /** The architecture of the environment (the server's fallback). */
  public static final InputField<Data, InputArchitecture> HOST_ARCHITECTURE =
      InputField.fallbackArchitecture("host_architecture");

  /** The signing template. */
  public static final InputField<Data, InputArtifactSingle> TEMPLATE_ARTIFACT =
      InputField.singleArtifact("input.template_artifact", (Data d) -> d.input().templateArtifact())
          .categories("debian:binary-package");

  /** The binary packages. */
  public static final InputField<Data, InputArtifactMultiple> BINARY_ARTIFACTS =
      InputField.multipleArtifacts(
              "input.binary_artifacts", (Data d) -> d.input().binaryArtifacts())
          .categories("debian:binary-package", "debian:binary-packages", "debian:upload");

  /** The environment. */
  public static final InputField<Data, InputArtifactSingle> ENVIRONMENT =
      InputField.singleArtifact("environment", Data::environment)
          .environment(HOST_ARCHITECTURE, Data::backend);

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.worker("extractforsigning", 1, Data.class, ExtractForSigningTask::new)
          .inputFields(HOST_ARCHITECTURE, TEMPLATE_ARTIFACT, BINARY_ARTIFACTS, ENVIRONMENT)
          .providedWorkerTags(ExecutorTask::executorWorkerTags)
          .build();

  private ExtractForSigningTask(
      ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }
}

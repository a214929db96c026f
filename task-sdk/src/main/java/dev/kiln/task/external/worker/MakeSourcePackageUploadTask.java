package dev.kiln.task.external.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.external.ArtifactData;
import dev.kiln.task.external.ExecutorTask;
import dev.kiln.task.external.ExecutorTaskData;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.input.InputArchitecture;
import dev.kiln.task.input.InputArtifactSingle;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.input.Stage;
import dev.kiln.task.model.Backend;
import java.util.Optional;

/**
 * {@code worker/makesourcepackageupload}: makes a {@code debian:upload} ({@code .changes}) from a
 * source package. Subject: the source package name.
 */
public final class MakeSourcePackageUploadTask
    extends ExecutorTask<MakeSourcePackageUploadTask.Data> {

  /**
   * Task data.
   *
   * @param input what to upload
   * @param sinceVersion include changelog entries since this version
   * @param targetDistribution the distribution of the upload
   * @param environment the environment the task runs in
   * @param backend the executor backend (default {@code auto})
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) Input input,
      String sinceVersion,
      String targetDistribution,
      @JsonProperty(required = true) LookupSingle environment,
      Backend backend,
      LookupSingle taskConfiguration)
      implements ExecutorTaskData {}

  /**
   * The inputs.
   *
   * @param sourceArtifact the {@code debian:source-package}
   */
  public record Input(@JsonProperty(required = true) LookupSingle sourceArtifact) {}

  /** The architecture of the environment (the server's fallback). */
  public static final InputField<Data, InputArchitecture> HOST_ARCHITECTURE =
      InputField.fallbackArchitecture("host_architecture");

  /** The source package; CONFIG (subject). */
  public static final InputField<Data, InputArtifactSingle> SOURCE_ARTIFACT =
      InputField.singleArtifact("input.source_artifact", (Data d) -> d.input().sourceArtifact())
          .categories("debian:source-package")
          .stage(Stage.CONFIG);

  /** The environment. */
  public static final InputField<Data, InputArtifactSingle> ENVIRONMENT =
      InputField.singleArtifact("environment", Data::environment)
          .environment(HOST_ARCHITECTURE, Data::backend);

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.worker(
              "makesourcepackageupload", 1, Data.class, MakeSourcePackageUploadTask::new)
          .inputFields(HOST_ARCHITECTURE, SOURCE_ARTIFACT, ENVIRONMENT)
          .providedWorkerTags(ExecutorTask::executorWorkerTags)
          .build();

  private MakeSourcePackageUploadTask(
      ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  @Override
  public Optional<String> getSubject() {
    return ArtifactData.sourcePackageName(input(SOURCE_ARTIFACT).artifact());
  }
}

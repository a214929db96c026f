package dev.kiln.task.external.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.external.ArtifactData;
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
import dev.kiln.task.input.Stage;
import dev.kiln.task.model.Backend;
import java.util.List;
import java.util.Optional;

/**
 * {@code worker/debdiff}: diffs two source packages or two sets of binary packages. Subject: the
 * source package; configuration context: the environment's codename.
 */
public final class DebdiffTask extends ExecutorTask<DebdiffTask.Data> {

  /**
   * Task data.
   *
   * @param input what to compare (exactly one of its keys)
   * @param extraFlags extra debdiff options
   * @param hostArchitecture the architecture to run on (default: the server's fallback)
   * @param environment the environment debdiff runs in
   * @param backend the executor backend (default {@code auto})
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) Input input,
      List<String> extraFlags,
      String hostArchitecture,
      @JsonProperty(required = true) LookupSingle environment,
      Backend backend,
      LookupSingle taskConfiguration)
      implements ExecutorTaskData {}

  /**
   * The inputs: two source packages or two sets of binary packages.
   *
   * @param sourceArtifacts the original and the new source package
   * @param binaryArtifacts the original and the new binary packages
   */
  public record Input(LookupMultiple sourceArtifacts, LookupMultiple binaryArtifacts) {}

  /** The architecture to run on. */
  public static final InputField<Data, InputArchitecture> HOST_ARCHITECTURE =
      InputField.architecture("host_architecture", Data::hostArchitecture);

  /** The source packages; CONFIG (subject). */
  public static final InputField<Data, InputArtifactMultiple> SOURCE_ARTIFACTS =
      InputField.multipleArtifacts(
              "input.source_artifacts", (Data d) -> d.input().sourceArtifacts())
          .categories("debian:source-package")
          .optional()
          .stage(Stage.CONFIG);

  /** The binary packages; CONFIG (subject). */
  public static final InputField<Data, InputArtifactMultiple> BINARY_ARTIFACTS =
      InputField.multipleArtifacts(
              "input.binary_artifacts", (Data d) -> d.input().binaryArtifacts())
          .categories("debian:binary-package", "debian:binary-packages", "debian:upload")
          .optional()
          .stage(Stage.CONFIG);

  /** The environment; CONFIG (context). */
  public static final InputField<Data, InputArtifactSingle> ENVIRONMENT =
      InputField.singleArtifact("environment", Data::environment)
          .environment(HOST_ARCHITECTURE, Data::backend)
          .stage(Stage.CONFIG);

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.worker("debdiff", 1, Data.class, DebdiffTask::new)
          .inputFields(HOST_ARCHITECTURE, SOURCE_ARTIFACTS, BINARY_ARTIFACTS, ENVIRONMENT)
          .providedWorkerTags(ExecutorTask::executorWorkerTags)
          .build();

  private DebdiffTask(ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  @Override
  public Optional<String> getSubject() {
    Optional<String> fromSource =
        optionalInput(SOURCE_ARTIFACTS).flatMap(s -> ArtifactData.sourcePackageName(s.artifacts()));
    if (fromSource.isPresent()) {
      return fromSource;
    }
    return optionalInput(BINARY_ARTIFACTS)
        .flatMap(b -> ArtifactData.sourcePackageName(b.artifacts()));
  }

  @Override
  public Optional<String> getConfigurationContext() {
    return ArtifactData.codename(input(ENVIRONMENT).artifact());
  }
}

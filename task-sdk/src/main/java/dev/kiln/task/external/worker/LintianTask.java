package dev.kiln.task.external.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.Tag;
import dev.kiln.task.WorkerProbe;
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
import java.util.Set;

/**
 * {@code worker/lintian}: runs lintian on a source package and/or binary packages; produces a
 * {@code debian:lintian} analysis per source / arch:all / arch:any. Subject: the source package
 * name; configuration context: the environment's codename.
 */
public final class LintianTask extends ExecutorTask<LintianTask.Data> {

  /**
   * Task data.
   *
   * @param input what to check
   * @param output which analyses to produce
   * @param targetDistribution the distribution lintian checks against (e.g. {@code
   *     debian:unstable})
   * @param includeTags only report these tags
   * @param excludeTags never report these tags
   * @param failOnSeverity the lowest severity that fails the task (default {@code none})
   * @param environment the environment lintian runs in
   * @param backend the executor backend (default {@code auto})
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) Input input,
      Output output,
      String targetDistribution,
      List<String> includeTags,
      List<String> excludeTags,
      Severity failOnSeverity,
      @JsonProperty(required = true) LookupSingle environment,
      Backend backend,
      LookupSingle taskConfiguration)
      implements ExecutorTaskData {}

  /**
   * The inputs (at least one of them).
   *
   * @param sourceArtifact a {@code debian:source-package}
   * @param binaryArtifacts binary packages or uploads
   */
  public record Input(LookupSingle sourceArtifact, LookupMultiple binaryArtifacts) {}

  /**
   * Which analyses to produce (each default true).
   *
   * @param sourceAnalysis of the source package
   * @param binaryAllAnalysis of the arch:all binary packages
   * @param binaryAnyAnalysis of the arch:any binary packages
   */
  public record Output(
      Boolean sourceAnalysis, Boolean binaryAllAnalysis, Boolean binaryAnyAnalysis) {}

  /** A lintian severity. */
  public enum Severity {
    /** error. */
    @JsonProperty("error")
    ERROR,
    /** warning. */
    @JsonProperty("warning")
    WARNING,
    /** info. */
    @JsonProperty("info")
    INFO,
    /** pedantic. */
    @JsonProperty("pedantic")
    PEDANTIC,
    /** experimental. */
    @JsonProperty("experimental")
    EXPERIMENTAL,
    /** overridden. */
    @JsonProperty("overridden")
    OVERRIDDEN,
    /** never fail. */
    @JsonProperty("none")
    NONE
  }

  /** The architecture of the environment (the server's fallback). */
  public static final InputField<Data, InputArchitecture> HOST_ARCHITECTURE =
      InputField.fallbackArchitecture("host_architecture");

  /** The source package; CONFIG (subject). */
  public static final InputField<Data, InputArtifactSingle> SOURCE_ARTIFACT =
      InputField.singleArtifact("input.source_artifact", (Data d) -> d.input().sourceArtifact())
          .categories("debian:source-package")
          .optional()
          .stage(Stage.CONFIG);

  /** The binary packages; CONFIG (subject when there is no source package). */
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
      ExternalTaskDefinition.worker("lintian", 1, Data.class, LintianTask::new)
          .inputFields(HOST_ARCHITECTURE, SOURCE_ARTIFACT, BINARY_ARTIFACTS, ENVIRONMENT)
          .providedWorkerTags(LintianTask::providedWorkerTags)
          .build();

  private LintianTask(ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  /** Worker-provided tags: executors (lintian runs inside the environment). */
  public static Set<Tag> providedWorkerTags(WorkerProbe probe) {
    return executorWorkerTags(probe);
  }

  @Override
  public Optional<String> getSubject() {
    Optional<InputArtifactSingle> source = optionalInput(SOURCE_ARTIFACT);
    if (source.isPresent()) {
      return ArtifactData.sourcePackageName(source.get().artifact());
    }
    return optionalInput(BINARY_ARTIFACTS)
        .flatMap(b -> ArtifactData.sourcePackageName(b.artifacts()));
  }

  @Override
  public Optional<String> getConfigurationContext() {
    return ArtifactData.codename(input(ENVIRONMENT).artifact());
  }
}

package dev.kiln.task.external.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.Tag;
import dev.kiln.task.Tags;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.external.ArtifactData;
import dev.kiln.task.external.ExecutorTask;
import dev.kiln.task.external.ExecutorTaskData;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.external.WorkerTags;
import dev.kiln.task.input.InputArchitecture;
import dev.kiln.task.input.InputArtifactMultiple;
import dev.kiln.task.input.InputArtifactSingle;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.input.Stage;
import dev.kiln.task.model.Backend;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code worker/autopkgtest}: runs a source package's autopkgtests against binary packages through
 * the backend's autopkgtest virt server. Subject: the source package name; configuration context:
 * the environment's codename.
 */
public final class AutopkgtestTask extends ExecutorTask<AutopkgtestTask.Data> {

  /**
   * Task data.
   *
   * @param input what to test
   * @param hostArchitecture the architecture to test on (default: the server's fallback)
   * @param environment the test environment
   * @param backend the executor backend (default {@code auto})
   * @param includeTests run only these tests
   * @param excludeTests skip these tests
   * @param debugLevel autopkgtest's debug level (0 to 3)
   * @param usePackagesFromBaseRepository install the tested packages' dependencies from the base
   *     repository
   * @param extraEnvironment environment variables for the tests
   * @param needsInternet what to do with tests that need the Internet
   * @param failOn which outcomes fail the task
   * @param timeout autopkgtest's timeouts
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) Input input,
      String hostArchitecture,
      @JsonProperty(required = true) LookupSingle environment,
      Backend backend,
      List<String> includeTests,
      List<String> excludeTests,
      Integer debugLevel,
      Boolean usePackagesFromBaseRepository,
      Map<String, String> extraEnvironment,
      NeedsInternet needsInternet,
      FailOn failOn,
      Timeout timeout,
      LookupSingle taskConfiguration)
      implements ExecutorTaskData {}

  /**
   * The inputs.
   *
   * @param sourceArtifact the {@code debian:source-package} whose tests run
   * @param binaryArtifacts the binary packages under test
   * @param contextArtifacts other binary packages made available
   */
  public record Input(
      @JsonProperty(required = true) LookupSingle sourceArtifact,
      @JsonProperty(required = true) LookupMultiple binaryArtifacts,
      LookupMultiple contextArtifacts) {}

  /** What to do with tests that need the Internet. */
  public enum NeedsInternet {
    /** Run them. */
    @JsonProperty("run")
    RUN,
    /** Run them; their failure does not count. */
    @JsonProperty("try")
    TRY,
    /** Skip them. */
    @JsonProperty("skip")
    SKIP
  }

  /**
   * Which outcomes fail the task.
   *
   * @param failedTest a failed test (default true)
   * @param flakyTest a failed flaky test (default false)
   * @param skippedTest a skipped test (default false)
   */
  public record FailOn(Boolean failedTest, Boolean flakyTest, Boolean skippedTest) {}

  /**
   * autopkgtest's timeouts, in seconds.
   *
   * @param global the whole run
   * @param factor a multiplier of the default timeouts
   * @param shortTimeout short operations ({@code short})
   * @param install installing dependencies
   * @param test one test
   * @param copy copying files
   */
  public record Timeout(
      Integer global,
      Integer factor,
      @JsonProperty("short") Integer shortTimeout,
      Integer install,
      Integer test,
      Integer copy) {}

  /** The architecture to test on. */
  public static final InputField<Data, InputArchitecture> HOST_ARCHITECTURE =
      InputField.architecture("host_architecture", Data::hostArchitecture);

  /** The source package; CONFIG (subject). */
  public static final InputField<Data, InputArtifactSingle> SOURCE_ARTIFACT =
      InputField.singleArtifact("input.source_artifact", (Data d) -> d.input().sourceArtifact())
          .categories("debian:source-package")
          .stage(Stage.CONFIG);

  /** The binary packages under test. */
  public static final InputField<Data, InputArtifactMultiple> BINARY_ARTIFACTS =
      InputField.multipleArtifacts(
              "input.binary_artifacts", (Data d) -> d.input().binaryArtifacts())
          .categories("debian:binary-package", "debian:binary-packages", "debian:upload");

  /** Other binary packages made available. */
  public static final InputField<Data, InputArtifactMultiple> CONTEXT_ARTIFACTS =
      InputField.multipleArtifacts(
              "input.context_artifacts", (Data d) -> d.input().contextArtifacts())
          .categories("debian:binary-package", "debian:binary-packages", "debian:upload")
          .optional();

  /** The test environment; CONFIG (context). */
  public static final InputField<Data, InputArtifactSingle> ENVIRONMENT =
      InputField.singleArtifact("environment", Data::environment)
          .environment(HOST_ARCHITECTURE, Data::backend)
          .stage(Stage.CONFIG);

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.worker("autopkgtest", 1, Data.class, AutopkgtestTask::new)
          .inputFields(
              HOST_ARCHITECTURE, SOURCE_ARTIFACT, BINARY_ARTIFACTS, CONTEXT_ARTIFACTS, ENVIRONMENT)
          .providedWorkerTags(AutopkgtestTask::providedWorkerTags)
          .build();

  private AutopkgtestTask(ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  /** Worker-provided tags: executors and autopkgtest. */
  public static Set<Tag> providedWorkerTags(WorkerProbe probe) {
    return WorkerTags.union(executorWorkerTags(probe), WorkerTags.tools(probe, "autopkgtest"));
  }

  @Override
  public Optional<String> getSubject() {
    return ArtifactData.sourcePackageName(input(SOURCE_ARTIFACT).artifact());
  }

  @Override
  public Optional<String> getConfigurationContext() {
    return ArtifactData.codename(input(ENVIRONMENT).artifact());
  }

  @Override
  public Set<Tag> computeSystemRequiredTags() {
    Set<Tag> tags = new LinkedHashSet<>(super.computeSystemRequiredTags());
    tags.add(Tag.system(Tags.tool("autopkgtest")));
    return tags;
  }
}

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
import dev.kiln.task.model.ExtraRepository;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code worker/piuparts}: tests installing, upgrading and removing binary packages. Subject: the
 * source package of the binaries; configuration context: the environment's codename.
 */
public final class PiupartsTask extends ExecutorTask<PiupartsTask.Data> {

  /**
   * Task data.
   *
   * @param input what to test
   * @param hostArchitecture the architecture to test on (default: the server's fallback)
   * @param environment the environment piuparts runs in
   * @param baseTgz the system tarball piuparts installs into (a lookup)
   * @param backend the executor backend (default {@code auto})
   * @param extraRepositories extra APT repositories
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) Input input,
      String hostArchitecture,
      @JsonProperty(required = true) LookupSingle environment,
      @JsonProperty(required = true) LookupSingle baseTgz,
      Backend backend,
      List<ExtraRepository> extraRepositories,
      LookupSingle taskConfiguration)
      implements ExecutorTaskData {}

  /**
   * The inputs.
   *
   * @param binaryArtifacts the binary packages under test
   */
  public record Input(@JsonProperty(required = true) LookupMultiple binaryArtifacts) {}

  /** The architecture to test on. */
  public static final InputField<Data, InputArchitecture> HOST_ARCHITECTURE =
      InputField.architecture("host_architecture", Data::hostArchitecture);

  /** The binary packages; CONFIG (subject). */
  public static final InputField<Data, InputArtifactMultiple> BINARY_ARTIFACTS =
      InputField.multipleArtifacts(
              "input.binary_artifacts", (Data d) -> d.input().binaryArtifacts())
          .categories("debian:binary-package", "debian:binary-packages", "debian:upload")
          .stage(Stage.CONFIG);

  /** The environment; CONFIG (context). */
  public static final InputField<Data, InputArtifactSingle> ENVIRONMENT =
      InputField.singleArtifact("environment", Data::environment)
          .environment(HOST_ARCHITECTURE, Data::backend)
          .stage(Stage.CONFIG);

  /** The base system tarball (always a tarball, whatever the backend). */
  public static final InputField<Data, InputArtifactSingle> BASE_TGZ =
      InputField.singleArtifact("base_tgz", Data::baseTgz)
          .environment(HOST_ARCHITECTURE, d -> Backend.UNSHARE)
          .categories("debian:system-tarball");

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.worker("piuparts", 1, Data.class, PiupartsTask::new)
          .inputFields(HOST_ARCHITECTURE, BINARY_ARTIFACTS, ENVIRONMENT, BASE_TGZ)
          .providedWorkerTags(PiupartsTask::providedWorkerTags)
          .build();

  private PiupartsTask(ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  /** Worker-provided tags: executors (piuparts runs inside the environment). */
  public static Set<Tag> providedWorkerTags(WorkerProbe probe) {
    return executorWorkerTags(probe);
  }

  @Override
  public Optional<String> getSubject() {
    return ArtifactData.sourcePackageName(input(BINARY_ARTIFACTS).artifacts());
  }

  @Override
  public Optional<String> getConfigurationContext() {
    return ArtifactData.codename(input(ENVIRONMENT).artifact());
  }
}

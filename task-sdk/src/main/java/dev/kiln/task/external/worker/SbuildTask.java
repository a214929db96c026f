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
import dev.kiln.task.model.ExtraRepository;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code worker/sbuild}: builds a source package with sbuild in an executor; outputs a build log,
 * binary packages, an upload and signing inputs. Subject: the source package name; configuration
 * context: the environment's codename.
 */
public final class SbuildTask extends ExecutorTask<SbuildTask.Data> {

  /**
   * Task data.
   *
   * @param input what to build
   * @param hostArchitecture the architecture to build for (default: the server's fallback)
   * @param environment the build environment (a lookup, e.g. {@code debian/match:codename=trixie})
   * @param backend the executor backend (default {@code auto})
   * @param buildComponents what to build (default {@code [any]})
   * @param binnmu make a binNMU
   * @param buildProfiles build profiles to enable
   * @param extraRepositories extra APT repositories
   * @param buildDepResolver sbuild's build-dependency resolver
   * @param aspcudCriteria the aspcud optimisation criteria
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) Input input,
      String hostArchitecture,
      @JsonProperty(required = true) LookupSingle environment,
      Backend backend,
      List<BuildComponent> buildComponents,
      BinNmu binnmu,
      List<String> buildProfiles,
      List<ExtraRepository> extraRepositories,
      BuildDepResolver buildDepResolver,
      String aspcudCriteria,
      LookupSingle taskConfiguration)
      implements ExecutorTaskData {}

  /**
   * The inputs.
   *
   * @param sourceArtifact the {@code debian:source-package} to build
   * @param extraBinaryArtifacts binary packages made available to the build
   */
  public record Input(
      @JsonProperty(required = true) LookupSingle sourceArtifact,
      LookupMultiple extraBinaryArtifacts) {}

  /** What to build. */
  public enum BuildComponent {
    /** Architecture-dependent binary packages. */
    @JsonProperty("any")
    ANY,
    /** Architecture-independent binary packages. */
    @JsonProperty("all")
    ALL,
    /** The source package. */
    @JsonProperty("source")
    SOURCE
  }

  /**
   * A binNMU.
   *
   * @param changelog the changelog entry
   * @param suffix the version suffix (e.g. {@code +b1})
   * @param timestamp the changelog timestamp
   * @param maintainer the changelog maintainer
   */
  public record BinNmu(
      @JsonProperty(required = true) String changelog,
      @JsonProperty(required = true) String suffix,
      Instant timestamp,
      String maintainer) {}

  /** sbuild's build-dependency resolver. */
  public enum BuildDepResolver {
    /** apt. */
    @JsonProperty("apt")
    APT,
    /** aptitude. */
    @JsonProperty("aptitude")
    APTITUDE,
    /** aspcud. */
    @JsonProperty("aspcud")
    ASPCUD,
    /** xapt. */
    @JsonProperty("xapt")
    XAPT
  }

  /** The architecture to build for. */
  public static final InputField<Data, InputArchitecture> HOST_ARCHITECTURE =
      InputField.architecture("host_architecture", Data::hostArchitecture);

  /** The source package; CONFIG, since its name is the subject. */
  public static final InputField<Data, InputArtifactSingle> SOURCE_ARTIFACT =
      InputField.singleArtifact("input.source_artifact", (Data d) -> d.input().sourceArtifact())
          .categories("debian:source-package")
          .stage(Stage.CONFIG);

  /** Extra binary packages. */
  public static final InputField<Data, InputArtifactMultiple> EXTRA_BINARY_ARTIFACTS =
      InputField.multipleArtifacts(
              "input.extra_binary_artifacts", (Data d) -> d.input().extraBinaryArtifacts())
          .categories("debian:binary-package", "debian:binary-packages", "debian:upload")
          .optional();

  /** The build environment; CONFIG, since its codename is the configuration context. */
  public static final InputField<Data, InputArtifactSingle> ENVIRONMENT =
      InputField.singleArtifact("environment", Data::environment)
          .environment(HOST_ARCHITECTURE, Data::backend)
          .stage(Stage.CONFIG);

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.worker("sbuild", 1, Data.class, SbuildTask::new)
          .inputFields(HOST_ARCHITECTURE, SOURCE_ARTIFACT, EXTRA_BINARY_ARTIFACTS, ENVIRONMENT)
          .providedWorkerTags(SbuildTask::providedWorkerTags)
          .build();

  private SbuildTask(ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  /** Worker-provided tags: executors, sbuild and autopkgtest (for non-unshare backends). */
  public static Set<Tag> providedWorkerTags(WorkerProbe probe) {
    return WorkerTags.union(
        executorWorkerTags(probe), WorkerTags.tools(probe, "sbuild", "autopkgtest"));
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
    tags.add(Tag.system(Tags.tool("sbuild")));
    if (backend() != Backend.UNSHARE) {
      // sbuild drives the other backends through autopkgtest's virt servers.
      tags.add(Tag.system(Tags.tool("autopkgtest")));
    }
    return tags;
  }
}

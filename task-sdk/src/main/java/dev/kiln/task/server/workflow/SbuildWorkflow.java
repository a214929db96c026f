package dev.kiln.task.server.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.model.Backend;
import dev.kiln.task.model.ExtraRepository;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.List;

/**
 * {@code workflow/sbuild}: one {@code worker/sbuild} per architecture; {@code all} is built once,
 * on {@code arch_all_host_architecture}. Each build promises its upload ({@code
 * <prefix>build-<arch>}) and its build log ({@code <prefix>buildlog-<arch>}).
 */
public final class SbuildWorkflow {

  /**
   * Task data.
   *
   * @param input what to build
   * @param targetDistribution {@code <vendor>:<codename>}, e.g. {@code debian:bookworm}
   * @param architectures the architectures to build (may include {@code all})
   * @param archAllHostArchitecture where {@code all} is built (default {@code amd64})
   * @param backend the executor backend of the builds
   * @param environmentVariant the environment variant to build in
   * @param buildProfiles build profiles
   * @param extraRepositories extra APT repositories
   * @param prefix prefix of the promise names
   */
  public record Data(
      @JsonProperty(required = true) Input input,
      @JsonProperty(required = true) String targetDistribution,
      @JsonProperty(required = true) List<String> architectures,
      String archAllHostArchitecture,
      Backend backend,
      String environmentVariant,
      List<String> buildProfiles,
      List<ExtraRepository> extraRepositories,
      String prefix)
      implements TaskData {}

  /**
   * The inputs.
   *
   * @param sourceArtifact the {@code debian:source-package} to build
   */
  public record Input(@JsonProperty(required = true) LookupSingle sourceArtifact) {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.workflow("sbuild", 1, Data.class, WorkflowTask::new).build();

  private SbuildWorkflow() {}
}

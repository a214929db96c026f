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
import dev.kiln.task.input.InputArtifactSingle;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.input.Stage;
import dev.kiln.task.model.Backend;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code worker/blhc}: checks a package build log for missing hardening flags. Subject: the source
 * package of the build log.
 */
public final class BlhcTask extends ExecutorTask<BlhcTask.Data> {

  /**
   * Task data.
   *
   * @param input what to check
   * @param extraFlags extra blhc options
   * @param environment the environment blhc runs in; none runs it on the worker
   * @param backend the executor backend (default {@code auto})
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) Input input,
      List<String> extraFlags,
      LookupSingle environment,
      Backend backend,
      LookupSingle taskConfiguration)
      implements ExecutorTaskData {}

  /**
   * The inputs.
   *
   * @param artifact the {@code debian:package-build-log}
   */
  public record Input(@JsonProperty(required = true) LookupSingle artifact) {}

  /** The architecture of the environment (the server's fallback). */
  public static final InputField<Data, InputArchitecture> HOST_ARCHITECTURE =
      InputField.fallbackArchitecture("host_architecture");

  /** The build log; CONFIG (subject). */
  public static final InputField<Data, InputArtifactSingle> ARTIFACT =
      InputField.singleArtifact("input.artifact", (Data d) -> d.input().artifact())
          .categories("debian:package-build-log")
          .stage(Stage.CONFIG);

  /** The environment, if any. */
  public static final InputField<Data, InputArtifactSingle> ENVIRONMENT =
      InputField.singleArtifact("environment", Data::environment)
          .environment(HOST_ARCHITECTURE, Data::backend)
          .optional();

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.worker("blhc", 1, Data.class, BlhcTask::new)
          .inputFields(HOST_ARCHITECTURE, ARTIFACT, ENVIRONMENT)
          .providedWorkerTags(BlhcTask::providedWorkerTags)
          .build();

  private BlhcTask(ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  /** Worker-provided tags: executors and blhc (for runs without an environment). */
  public static Set<Tag> providedWorkerTags(WorkerProbe probe) {
    return WorkerTags.union(executorWorkerTags(probe), WorkerTags.tools(probe, "blhc"));
  }

  @Override
  public Optional<String> getSubject() {
    return ArtifactData.sourcePackageName(input(ARTIFACT).artifact());
  }

  @Override
  public Set<Tag> computeSystemRequiredTags() {
    Set<Tag> tags = new LinkedHashSet<>(super.computeSystemRequiredTags());
    if (!usesEnvironment()) {
      tags.add(Tag.system(Tags.tool("blhc")));
    }
    return tags;
  }
}

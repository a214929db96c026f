package dev.kiln.task.external.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.Tag;
import dev.kiln.task.Tags;
import dev.kiln.task.WorkerProbe;
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
import dev.kiln.task.model.Backend;
import java.util.LinkedHashSet;
import java.util.Set;

/** {@code worker/mergeuploads}: merges several {@code debian:upload}s into one (mergechanges). */
public final class MergeUploadsTask extends ExecutorTask<MergeUploadsTask.Data> {

  /**
   * Task data.
   *
   * @param input what to merge
   * @param environment the environment mergechanges runs in; none runs it on the worker
   * @param backend the executor backend (default {@code auto})
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) Input input,
      LookupSingle environment,
      Backend backend,
      LookupSingle taskConfiguration)
      implements ExecutorTaskData {}

  /**
   * The inputs.
   *
   * @param uploads the {@code debian:upload}s to merge
   */
  public record Input(@JsonProperty(required = true) LookupMultiple uploads) {}

  /** The architecture of the environment (the server's fallback). */
  public static final InputField<Data, InputArchitecture> HOST_ARCHITECTURE =
      InputField.fallbackArchitecture("host_architecture");

  /** The uploads. */
  public static final InputField<Data, InputArtifactMultiple> UPLOADS =
      InputField.multipleArtifacts("input.uploads", (Data d) -> d.input().uploads())
          .categories("debian:upload");

  /** The environment, if any. */
  public static final InputField<Data, InputArtifactSingle> ENVIRONMENT =
      InputField.singleArtifact("environment", Data::environment)
          .environment(HOST_ARCHITECTURE, Data::backend)
          .optional();

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.worker("mergeuploads", 1, Data.class, MergeUploadsTask::new)
          .inputFields(HOST_ARCHITECTURE, UPLOADS, ENVIRONMENT)
          .providedWorkerTags(MergeUploadsTask::providedWorkerTags)
          .build();

  private MergeUploadsTask(ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  /** Worker-provided tags: executors and devscripts (mergechanges, without an environment). */
  public static Set<Tag> providedWorkerTags(WorkerProbe probe) {
    return WorkerTags.union(executorWorkerTags(probe), WorkerTags.tools(probe, "devscripts"));
  }

  @Override
  public Set<Tag> computeSystemRequiredTags() {
    Set<Tag> tags = new LinkedHashSet<>(super.computeSystemRequiredTags());
    if (!usesEnvironment()) {
      tags.add(Tag.system(Tags.tool("devscripts")));
    }
    return tags;
  }
}

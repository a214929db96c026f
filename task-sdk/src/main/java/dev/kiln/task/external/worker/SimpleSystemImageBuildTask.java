package dev.kiln.task.external.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.Tag;
import dev.kiln.task.Tags;
import dev.kiln.task.TaskData;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.external.ExternalTask;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.external.WorkerTags;
import dev.kiln.task.input.InputArchitecture;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.model.BootstrapOptions;
import dev.kiln.task.model.BootstrapRepository;
import dev.kiln.task.model.DiskImage;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code worker/simplesystemimagebuild}: builds a {@code debian:system-image} (raw or qcow2) with
 * debefivm-create. Configuration context: the architecture.
 */
public final class SimpleSystemImageBuildTask
    extends ExternalTask<SimpleSystemImageBuildTask.Data> {

  /**
   * Task data.
   *
   * @param bootstrapOptions how to bootstrap
   * @param bootstrapRepositories where from (at least one)
   * @param customizationScript a script run in the new system
   * @param diskImage the image to produce
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) BootstrapOptions bootstrapOptions,
      @JsonProperty(required = true) List<BootstrapRepository> bootstrapRepositories,
      String customizationScript,
      @JsonProperty(required = true) DiskImage diskImage,
      LookupSingle taskConfiguration)
      implements TaskData {}

  /** The architecture of the system built (always set by the task data). */
  public static final InputField<Data, InputArchitecture> ARCHITECTURE =
      InputField.architecture(
          "bootstrap_options.architecture", (Data d) -> d.bootstrapOptions().architecture());

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.worker(
              "simplesystemimagebuild", 1, Data.class, SimpleSystemImageBuildTask::new)
          .inputFields(ARCHITECTURE)
          .providedWorkerTags(SimpleSystemImageBuildTask::providedWorkerTags)
          .build();

  private SimpleSystemImageBuildTask(
      ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  /** Worker-provided tags: debefivm-create. */
  public static Set<Tag> providedWorkerTags(WorkerProbe probe) {
    return WorkerTags.tools(probe, "debefivm-create");
  }

  @Override
  public Optional<String> getConfigurationContext() {
    return Optional.of(input(ARCHITECTURE).architecture());
  }

  @Override
  public Set<Tag> computeSystemRequiredTags() {
    return Set.of(Tag.system(Tags.tool("debefivm-create")));
  }
}

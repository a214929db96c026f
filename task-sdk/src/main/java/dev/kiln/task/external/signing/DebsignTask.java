package dev.kiln.task.external.signing;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.Tag;
import dev.kiln.task.Tags;
import dev.kiln.task.TaskData;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.external.ExternalTask;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.external.WorkerTags;
import dev.kiln.task.input.InputArtifactSingle;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.input.LookupSingle;
import java.util.Set;

/**
 * {@code signing/debsign}: signs a {@code debian:upload} with an OpenPGP key (rewriting its {@code
 * .changes}, {@code .dsc} and {@code .buildinfo}).
 */
public final class DebsignTask extends ExternalTask<DebsignTask.Data> {

  /**
   * Task data.
   *
   * @param unsigned the {@code debian:upload} to sign
   * @param key the key's fingerprint
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) LookupSingle unsigned,
      @JsonProperty(required = true) String key,
      LookupSingle taskConfiguration)
      implements TaskData {}

  /** The upload. */
  public static final InputField<Data, InputArtifactSingle> UNSIGNED =
      InputField.singleArtifact("unsigned", Data::unsigned).categories("debian:upload");

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.signing("debsign", 1, Data.class, DebsignTask::new)
          .inputFields(UNSIGNED)
          .providedWorkerTags(DebsignTask::providedWorkerTags)
          .build();

  private DebsignTask(ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  /** Worker-provided tags: devscripts (debsign) and gpg. */
  public static Set<Tag> providedWorkerTags(WorkerProbe probe) {
    return WorkerTags.tools(probe, "devscripts", "gpg");
  }

  @Override
  public Set<Tag> computeSystemRequiredTags() {
    return Set.of(Tag.system(Tags.tool("devscripts")), Tag.system(Tags.tool("gpg")));
  }
}

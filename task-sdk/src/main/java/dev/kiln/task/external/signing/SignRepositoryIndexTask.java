package dev.kiln.task.external.signing;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.Tag;
import dev.kiln.task.Tags;
import dev.kiln.task.TaskData;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.external.ExternalTask;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.external.WorkerTags;
import dev.kiln.task.input.InputArtifactMultiple;
import dev.kiln.task.input.InputCollectionSingle;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import java.util.Set;

/**
 * {@code signing/signrepositoryindex}: signs a {@code debian:repository-index} (detached or
 * clear-signed) with the suite's (or its archive's) signing keys.
 */
public final class SignRepositoryIndexTask extends ExternalTask<SignRepositoryIndexTask.Data> {

  /**
   * Task data.
   *
   * @param suiteCollection the {@code debian:suite} collection whose keys sign
   * @param unsigned the {@code debian:repository-index} artifacts to sign
   * @param mode detached or clear-signed
   * @param signedName the file name of the signed index (e.g. {@code InRelease})
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) LookupSingle suiteCollection,
      @JsonProperty(required = true) LookupMultiple unsigned,
      @JsonProperty(required = true) Mode mode,
      @JsonProperty(required = true) String signedName,
      LookupSingle taskConfiguration)
      implements TaskData {}

  /** How to sign. */
  public enum Mode {
    /** A detached signature ({@code Release.gpg}). */
    @JsonProperty("detached")
    DETACHED,
    /** A clear-signed file ({@code InRelease}). */
    @JsonProperty("clear")
    CLEAR
  }

  /** The suite. */
  public static final InputField<Data, InputCollectionSingle> SUITE_COLLECTION =
      InputField.singleCollection("suite_collection", Data::suiteCollection)
          .defaultCategory("debian:suite")
          .categories("debian:suite");

  /** The indexes. */
  public static final InputField<Data, InputArtifactMultiple> UNSIGNED =
      InputField.multipleArtifacts("unsigned", Data::unsigned)
          .categories("debian:repository-index");

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.signing(
              "signrepositoryindex", 1, Data.class, SignRepositoryIndexTask::new)
          .inputFields(SUITE_COLLECTION, UNSIGNED)
          .providedWorkerTags(SignRepositoryIndexTask::providedWorkerTags)
          .build();

  private SignRepositoryIndexTask(
      ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  /** Worker-provided tags: gpg. */
  public static Set<Tag> providedWorkerTags(WorkerProbe probe) {
    return WorkerTags.tools(probe, "gpg");
  }

  @Override
  public Set<Tag> computeSystemRequiredTags() {
    return Set.of(Tag.system(Tags.tool("gpg")));
  }
}

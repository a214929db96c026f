package dev.kiln.task.external.signing;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.Tag;
import dev.kiln.task.Tags;
import dev.kiln.task.TaskData;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.external.ExternalTask;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.external.WorkerTags;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.model.KeyPurpose;
import java.util.Set;

/**
 * {@code signing/generatekey}: generates a key and publishes it as a {@code debusine:signing-key}
 * asset. (Debusine leaves its version unset; Kiln versions every task, starting at 1.)
 */
public final class GenerateKeyTask extends ExternalTask<GenerateKeyTask.Data> {

  /**
   * Task data.
   *
   * @param purpose the key's purpose
   * @param description a description of the key
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) KeyPurpose purpose,
      @JsonProperty(required = true) String description,
      LookupSingle taskConfiguration)
      implements TaskData {}

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.signing("generatekey", 1, Data.class, GenerateKeyTask::new)
          .providedWorkerTags(GenerateKeyTask::providedWorkerTags)
          .build();

  private GenerateKeyTask(ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  /** Worker-provided tags: openssl (UEFI keys) and gpg (OpenPGP keys). */
  public static Set<Tag> providedWorkerTags(WorkerProbe probe) {
    return WorkerTags.tools(probe, "openssl", "gpg");
  }

  @Override
  public Set<Tag> computeSystemRequiredTags() {
    return Set.of(Tag.system(Tags.tool(data().purpose() == KeyPurpose.UEFI ? "openssl" : "gpg")));
  }
}

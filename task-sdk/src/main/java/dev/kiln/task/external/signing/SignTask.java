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
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.InputValues;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.model.KeyPurpose;
import java.util.Set;

/**
 * {@code signing/sign}: signs the files of {@code debusine:signing-input} artifacts with a key
 * (UEFI via sbsign, or OpenPGP) and outputs {@code debusine:signing-output}.
 */
public final class SignTask extends ExternalTask<SignTask.Data> {

  /**
   * Task data.
   *
   * @param purpose the key's purpose
   * @param unsigned the {@code debusine:signing-input} artifacts
   * @param key the key's fingerprint
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) KeyPurpose purpose,
      @JsonProperty(required = true) LookupMultiple unsigned,
      @JsonProperty(required = true) String key,
      LookupSingle taskConfiguration)
      implements TaskData {}

  /** The signing inputs. */
  public static final InputField<Data, InputArtifactMultiple> UNSIGNED =
      InputField.multipleArtifacts("unsigned", Data::unsigned).categories("debusine:signing-input");

  /** The definition. */
  public static final ExternalTaskDefinition<Data> DEFINITION =
      ExternalTaskDefinition.signing("sign", 1, Data.class, SignTask::new)
          .inputFields(UNSIGNED)
          .providedWorkerTags(SignTask::providedWorkerTags)
          .build();

  private SignTask(ExternalTaskDefinition<Data> definition, Data data, InputValues inputs) {
    super(definition, data, inputs);
  }

  /** Worker-provided tags: the signing tools. */
  public static Set<Tag> providedWorkerTags(WorkerProbe probe) {
    return WorkerTags.tools(probe, KeyPurpose.UEFI.tool(), KeyPurpose.OPENPGP.tool());
  }

  @Override
  public Set<Tag> computeSystemRequiredTags() {
    return Set.of(Tag.system(Tags.tool(data().purpose().tool())));
  }
}

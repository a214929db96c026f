package dev.kiln.task.server.wait;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.InputArtifactSingle;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.server.DbTask;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskDefinition;

/**
 * {@code wait/externaldebsign}: waits for its creator to upload a signed version of an upload
 * (needs input). The upload to sign is resolved into dynamic data ({@code inputs.unsigned}).
 */
public final class ExternalDebsignTask extends DbTask<ExternalDebsignTask.Data> {

  /**
   * Task data.
   *
   * @param unsigned the {@code debian:upload} to sign
   */
  public record Data(@JsonProperty(required = true) LookupSingle unsigned) implements TaskData {}

  /** The upload to sign. */
  public static final InputField<Data, InputArtifactSingle> UNSIGNED =
      InputField.singleArtifact("unsigned", Data::unsigned).categories("debian:upload");

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.waitTask("externaldebsign", 1, Data.class, ExternalDebsignTask::new)
          .inputFields(UNSIGNED)
          .build();

  private ExternalDebsignTask(DbTaskDefinition<Data> definition, Data data, DbTaskContext context) {
    super(definition, data, context);
  }
}

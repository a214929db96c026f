package dev.kiln.task.server.tasks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.InputArtifactSingle;
import dev.kiln.task.input.InputField;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.server.DbTask;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskDefinition;

/**
 * {@code server/packageupload}: uploads a {@code debian:upload} to an {@code ftp://} or {@code
 * sftp://} upload queue (with DELAYED/n-day support).
 */
public final class PackageUploadTask extends DbTask<PackageUploadTask.Data> {

  /**
   * Task data.
   *
   * @param input what to upload
   * @param target the queue's URL ({@code ftp://}, {@code sftp://}, or {@code file://} for a
   *     directory on the runner, accepted only under its configured upload root)
   * @param delayedDays upload to {@code DELAYED/<n>-day} (0 to 15)
   * @param taskConfiguration the task configuration collection
   */
  public record Data(
      @JsonProperty(required = true) Input input,
      @JsonProperty(required = true) String target,
      Integer delayedDays,
      LookupSingle taskConfiguration)
      implements TaskData {}

  /**
   * The inputs.
   *
   * @param upload the {@code debian:upload}
   */
  public record Input(@JsonProperty(required = true) LookupSingle upload) {}

  /** The upload. */
  public static final InputField<Data, InputArtifactSingle> UPLOAD =
      InputField.singleArtifact("input.upload", (Data d) -> d.input().upload())
          .categories("debian:upload");

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.server("packageupload", 1, Data.class, PackageUploadTask::new)
          .inputFields(UPLOAD)
          .build();

  private PackageUploadTask(DbTaskDefinition<Data> definition, Data data, DbTaskContext context) {
    super(definition, data, context);
  }
}

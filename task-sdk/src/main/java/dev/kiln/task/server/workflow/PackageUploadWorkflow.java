package dev.kiln.task.server.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.server.DbTaskDefinition;

/**
 * {@code workflow/package_upload}: optionally {@code worker/makesourcepackageupload} and {@code
 * worker/mergeuploads}; per upload a {@code signing/debsign} (with {@code key}) or a {@code
 * wait/externaldebsign} (with {@code require_signature}), then a {@code server/packageupload}.
 */
public final class PackageUploadWorkflow {

  /**
   * Task data.
   *
   * @param sourceArtifact a source package to make a source upload of
   * @param uploads {@code debian:upload}s to upload
   * @param target the {@code ftp://} or {@code sftp://} upload queue
   * @param delayedDays upload to {@code DELAYED/<n>-day}
   * @param key sign each upload with this OpenPGP key on a signing worker
   * @param requireSignature without a key, wait for the creator to sign each upload
   * @param mergeUploads merge the uploads into one first (default false)
   * @param sinceVersion include changelog entries since this version in the source upload
   * @param targetDistribution the distribution of the source upload
   * @param vendor the environment vendor (default {@code debian})
   * @param codename the environment codename (required with {@code source_artifact})
   * @param prefix prefix of the names in the internal collection
   */
  public record Data(
      LookupSingle sourceArtifact,
      LookupMultiple uploads,
      @JsonProperty(required = true) String target,
      Integer delayedDays,
      String key,
      Boolean requireSignature,
      Boolean mergeUploads,
      String sinceVersion,
      String targetDistribution,
      String vendor,
      String codename,
      String prefix)
      implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.workflow("package_upload", 1, Data.class, WorkflowTask::new).build();

  private PackageUploadWorkflow() {}
}

package dev.kiln.task.server.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.model.Backend;
import dev.kiln.task.model.KeyPurpose;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.List;

/**
 * {@code workflow/debian_pipeline}: an {@code sbuild} sub-workflow, then {@code qa} on its results,
 * optionally {@code make_signed_source}, and optionally {@code package_upload} of the builds,
 * optionally after an approval ({@code wait/confirm}).
 */
public final class DebianPipelineWorkflow {

  /**
   * Task data.
   *
   * @param sourceArtifact the {@code debian:source-package} to build
   * @param vendor the vendor (default {@code debian})
   * @param codename the target codename
   * @param architectures the architectures to build
   * @param archAllHostArchitecture where {@code all} is built and tested (default {@code amd64})
   * @param backend the executor backend
   * @param enableQa run the {@code qa} sub-workflow (default true)
   * @param enableLintian qa: lintian (default true)
   * @param enableAutopkgtest qa: autopkgtest (default true)
   * @param enablePiuparts qa: piuparts (default true)
   * @param enableBlhc qa: blhc on the build logs (default false)
   * @param enableMakeSignedSource run {@code make_signed_source} (default false)
   * @param signingTemplateArtifacts the signing templates (required by make_signed_source)
   * @param signingPurpose the kind of signature (required by make_signed_source)
   * @param signingKey the signing key (required by make_signed_source)
   * @param enableConfirmation wait for an approval before uploading (default false)
   * @param enableUpload upload the builds (default false)
   * @param uploadTarget the upload queue (required by enable_upload)
   * @param uploadKey sign uploads with this key
   * @param uploadRequireSignature without a key, wait for the creator to sign
   * @param uploadDelayedDays upload to {@code DELAYED/<n>-day}
   * @param prefix prefix of the names in the internal collection
   */
  public record Data(
      @JsonProperty(required = true) LookupSingle sourceArtifact,
      String vendor,
      @JsonProperty(required = true) String codename,
      @JsonProperty(required = true) List<String> architectures,
      String archAllHostArchitecture,
      Backend backend,
      Boolean enableQa,
      Boolean enableLintian,
      Boolean enableAutopkgtest,
      Boolean enablePiuparts,
      Boolean enableBlhc,
      Boolean enableMakeSignedSource,
      LookupMultiple signingTemplateArtifacts,
      KeyPurpose signingPurpose,
      String signingKey,
      Boolean enableConfirmation,
      Boolean enableUpload,
      String uploadTarget,
      String uploadKey,
      Boolean uploadRequireSignature,
      Integer uploadDelayedDays,
      String prefix)
      implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.workflow("debian_pipeline", 1, Data.class, WorkflowTask::new).build();

  private DebianPipelineWorkflow() {}
}

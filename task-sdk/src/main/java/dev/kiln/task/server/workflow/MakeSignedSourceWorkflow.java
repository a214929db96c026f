package dev.kiln.task.server.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kiln.task.TaskData;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.model.Backend;
import dev.kiln.task.model.KeyPurpose;
import dev.kiln.task.server.DbTaskDefinition;
import java.util.List;

/**
 * {@code workflow/make_signed_source}: per architecture and signing template, {@code
 * worker/extractforsigning} → {@code signing/sign} → {@code worker/assemblesignedsource}, then an
 * {@code sbuild} sub-workflow building the signed source on that architecture.
 */
public final class MakeSignedSourceWorkflow {

  /**
   * Task data.
   *
   * @param binaryArtifacts the unsigned binaries
   * @param signingTemplateArtifacts the signing template packages
   * @param vendor the environment vendor (default {@code debian})
   * @param codename the environment codename
   * @param backend the executor backend
   * @param architectures the architectures to sign for
   * @param purpose the kind of signature
   * @param key the fingerprint of the signing key
   * @param prefix prefix of the names in the internal collection
   */
  public record Data(
      @JsonProperty(required = true) LookupMultiple binaryArtifacts,
      @JsonProperty(required = true) LookupMultiple signingTemplateArtifacts,
      String vendor,
      @JsonProperty(required = true) String codename,
      Backend backend,
      @JsonProperty(required = true) List<String> architectures,
      @JsonProperty(required = true) KeyPurpose purpose,
      @JsonProperty(required = true) String key,
      String prefix)
      implements TaskData {}

  /** The definition. */
  public static final DbTaskDefinition<Data> DEFINITION =
      DbTaskDefinition.workflow("make_signed_source", 1, Data.class, WorkflowTask::new).build();

  private MakeSignedSourceWorkflow() {}
}

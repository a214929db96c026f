package dev.kiln.workflow.domain.catalogue;

import static dev.kiln.workflow.domain.catalogue.Layouts.ALL;

import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.wait.ConfirmTask;
import dev.kiln.task.server.workflow.DebianPipelineWorkflow;
import dev.kiln.task.server.workflow.MakeSignedSourceWorkflow;
import dev.kiln.task.server.workflow.PackageUploadWorkflow;
import dev.kiln.task.server.workflow.QaWorkflow;
import dev.kiln.task.server.workflow.SbuildWorkflow;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.OrchestrationException;
import dev.kiln.workflow.domain.orchestration.Orchestrator;
import java.util.List;

/**
 * {@code debian_pipeline}: an {@code sbuild} sub-workflow; a {@code qa} sub-workflow on its results
 * ({@code internal@collections/name:<prefix>build-<arch>}, build logs for blhc); optionally {@code
 * make_signed_source} on the builds; optionally {@code package_upload} of the builds, after QA and,
 * with {@code enable_confirmation}, after a {@code wait/confirm} approval (needs input). A QA
 * failure (without {@code allow_failure}) aborts the approval and the upload.
 */
public final class DebianPipelineOrchestrator implements Orchestrator<DebianPipelineWorkflow.Data> {

  @Override
  public DbTaskDefinition<DebianPipelineWorkflow.Data> definition() {
    return DebianPipelineWorkflow.DEFINITION;
  }

  @Override
  public void populate(Layout<DebianPipelineWorkflow.Data> layout) {
    DebianPipelineWorkflow.Data d = layout.data();
    String prefix = Layouts.prefix(d.prefix());
    List<String> archs = Layouts.sorted(d.architectures());
    Layout.Child sbuild =
        layout
            .subWorkflow(
                "sbuild",
                SbuildWorkflow.DEFINITION,
                new SbuildWorkflow.Data(
                    new SbuildWorkflow.Input(d.sourceArtifact()),
                    Layouts.vendor(d.vendor()) + ":" + d.codename(),
                    archs,
                    d.archAllHostArchitecture(),
                    d.backend(),
                    null,
                    null,
                    null,
                    d.prefix()))
            .displayName("Build");
    LookupMultiple builds =
        Layouts.multipleOf(
            archs.stream().map(a -> Layouts.internal(prefix + "build-" + a)).toList());
    LookupMultiple logs =
        Layouts.multipleOf(
            archs.stream().map(a -> Layouts.internal(prefix + "buildlog-" + a)).toList());
    Layout.Child gate = sbuild;
    if (Layouts.enabled(d.enableQa(), true)) {
      gate =
          layout
              .subWorkflow(
                  "qa",
                  QaWorkflow.DEFINITION,
                  new QaWorkflow.Data(
                      d.sourceArtifact(),
                      builds,
                      logs,
                      null,
                      null,
                      d.vendor(),
                      d.codename(),
                      d.backend(),
                      null,
                      d.archAllHostArchitecture(),
                      d.enableLintian(),
                      d.enableAutopkgtest(),
                      d.enablePiuparts(),
                      d.enableBlhc(),
                      false,
                      d.prefix()))
              .displayName("QA");
    }
    if (Layouts.enabled(d.enableMakeSignedSource(), false)) {
      if (d.signingTemplateArtifacts() == null
          || d.signingPurpose() == null
          || d.signingKey() == null) {
        throw new OrchestrationException(
            "enable_make_signed_source needs signing_template_artifacts, signing_purpose and"
                + " signing_key");
      }
      layout
          .subWorkflow(
              "make_signed_source",
              MakeSignedSourceWorkflow.DEFINITION,
              new MakeSignedSourceWorkflow.Data(
                  builds,
                  d.signingTemplateArtifacts(),
                  d.vendor(),
                  d.codename(),
                  d.backend(),
                  archs.stream().filter(a -> !ALL.equals(a)).toList(),
                  d.signingPurpose(),
                  d.signingKey(),
                  d.prefix()))
          .displayName("Make signed source");
    }
    if (!Layouts.enabled(d.enableUpload(), false)) {
      return;
    }
    if (d.uploadTarget() == null) {
      throw new OrchestrationException("enable_upload needs upload_target");
    }
    if (Layouts.enabled(d.enableConfirmation(), false)) {
      gate =
          layout
              .child(
                  "confirm",
                  ConfirmTask.DEFINITION,
                  new ConfirmTask.Data("Upload to " + d.uploadTarget() + "?"))
              .displayName("Approve the upload")
              .needsInput(true)
              .dependsOn(gate);
    }
    layout
        .subWorkflow(
            "package_upload",
            PackageUploadWorkflow.DEFINITION,
            new PackageUploadWorkflow.Data(
                null,
                builds,
                d.uploadTarget(),
                d.uploadDelayedDays(),
                d.uploadKey(),
                d.uploadRequireSignature(),
                null,
                null,
                null,
                d.vendor(),
                d.codename(),
                d.prefix()))
        .displayName("Upload")
        .dependsOn(gate);
  }
}

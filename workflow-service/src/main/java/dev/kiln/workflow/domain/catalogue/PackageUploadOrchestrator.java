package dev.kiln.workflow.domain.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kiln.task.external.signing.DebsignTask;
import dev.kiln.task.external.worker.MakeSourcePackageUploadTask;
import dev.kiln.task.external.worker.MergeUploadsTask;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.tasks.PackageUploadTask;
import dev.kiln.task.server.wait.ExternalDebsignTask;
import dev.kiln.task.server.workflow.PackageUploadWorkflow;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.OrchestrationException;
import dev.kiln.workflow.domain.orchestration.Orchestrator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code package_upload}: with {@code source_artifact}, a {@code worker/makesourcepackageupload}
 * (promises {@code source-upload}); with {@code merge_uploads} and several uploads, a {@code
 * worker/mergeuploads} (promises {@code merged-upload}); then per upload (by position {@code n}) a
 * {@code signing/debsign} with {@code key}, or a {@code wait/externaldebsign} (needs input) with
 * {@code require_signature} (either promises {@code signed-upload-<n>}), and a {@code
 * server/packageupload} to {@code target}.
 */
public final class PackageUploadOrchestrator implements Orchestrator<PackageUploadWorkflow.Data> {

  @Override
  public DbTaskDefinition<PackageUploadWorkflow.Data> definition() {
    return PackageUploadWorkflow.DEFINITION;
  }

  @Override
  public void populate(Layout<PackageUploadWorkflow.Data> layout) {
    PackageUploadWorkflow.Data d = layout.data();
    String prefix = Layouts.prefix(d.prefix());
    List<JsonNode> uploads = new ArrayList<>();
    if (d.uploads() != null) {
      layout.resolveAll(d.uploads()).forEach(r -> uploads.add(r.lookup()));
    }
    if (d.sourceArtifact() != null) {
      if (d.codename() == null) {
        throw new OrchestrationException("source_artifact needs codename");
      }
      layout
          .child(
              "source-upload",
              MakeSourcePackageUploadTask.DEFINITION,
              new MakeSourcePackageUploadTask.Data(
                  new MakeSourcePackageUploadTask.Input(d.sourceArtifact()),
                  d.sinceVersion(),
                  d.targetDistribution(),
                  Layouts.environment(d.vendor(), d.codename(), null),
                  null,
                  null))
          .displayName("Make source upload")
          .requires(d.sourceArtifact())
          .provides(prefix + "source-upload", "debian:upload", Map.of());
      uploads.add(TextNode.valueOf(Layouts.internal(prefix + "source-upload")));
    }
    if (Layouts.enabled(d.mergeUploads(), false) && uploads.size() > 1) {
      layout
          .child(
              "merge",
              MergeUploadsTask.DEFINITION,
              new MergeUploadsTask.Data(
                  new MergeUploadsTask.Input(Layouts.multiple(uploads)), null, null, null))
          .displayName("Merge uploads")
          .requires(Layouts.multiple(uploads))
          .provides(prefix + "merged-upload", "debian:upload", Map.of());
      uploads.clear();
      uploads.add(TextNode.valueOf(Layouts.internal(prefix + "merged-upload")));
    }
    for (int i = 0; i < uploads.size(); i++) {
      LookupSingle upload = LookupSingle.fromJson(uploads.get(i));
      LookupSingle toUpload = upload;
      String signed = prefix + "signed-upload-" + i;
      if (d.key() != null) {
        layout
            .child("sign-" + i, DebsignTask.DEFINITION, new DebsignTask.Data(upload, d.key(), null))
            .displayName("Sign upload " + i)
            .requires(upload)
            .provides(signed, "debian:upload", Map.of());
        toUpload = LookupSingle.of(Layouts.internal(signed));
      } else if (Layouts.enabled(d.requireSignature(), false)) {
        layout
            .child(
                "external-sign-" + i,
                ExternalDebsignTask.DEFINITION,
                new ExternalDebsignTask.Data(upload))
            .displayName("Wait for the signature of upload " + i)
            .needsInput(true)
            .requires(upload)
            .provides(signed, "debian:upload", Map.of());
        toUpload = LookupSingle.of(Layouts.internal(signed));
      }
      layout
          .child(
              "upload-" + i,
              PackageUploadTask.DEFINITION,
              new PackageUploadTask.Data(
                  new PackageUploadTask.Input(toUpload), d.target(), d.delayedDays(), null))
          .displayName("Upload " + i)
          .requires(toUpload);
    }
  }
}

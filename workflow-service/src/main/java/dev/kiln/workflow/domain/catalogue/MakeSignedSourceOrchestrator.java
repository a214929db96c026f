package dev.kiln.workflow.domain.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.external.signing.SignTask;
import dev.kiln.task.external.worker.AssembleSignedSourceTask;
import dev.kiln.task.external.worker.ExtractForSigningTask;
import dev.kiln.task.input.LookupMultiple;
import dev.kiln.task.input.LookupSingle;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.workflow.MakeSignedSourceWorkflow;
import dev.kiln.task.server.workflow.SbuildWorkflow;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.Orchestrator;
import java.util.List;
import java.util.Map;

/**
 * {@code make_signed_source}: per architecture with binaries and per signing template (by position,
 * {@code <arch>-<n>}): {@code worker/extractforsigning} (promises {@code signing-input-<id>}) →
 * {@code signing/sign} (promises {@code signing-output-<id>}) → {@code worker/assemblesignedsource}
 * (promises {@code signed-source-<id>}) → an {@code sbuild} sub-workflow of the signed source on
 * that architecture (prefix {@code <prefix>signed-<id>|}).
 *
 * <p>As in Debusine, the sbuild of the signed source is laid out at run time: until the assembled
 * source exists it holds only its populate callback (waiting for {@code assemble-<id>}); when that
 * runs, the sbuild orchestrator lays out the build of the real source and its promises ({@code
 * <prefix>signed-<id>|build-<arch>}).
 */
public final class MakeSignedSourceOrchestrator
    implements Orchestrator<MakeSignedSourceWorkflow.Data> {

  @Override
  public DbTaskDefinition<MakeSignedSourceWorkflow.Data> definition() {
    return MakeSignedSourceWorkflow.DEFINITION;
  }

  @Override
  public void populate(Layout<MakeSignedSourceWorkflow.Data> layout) {
    MakeSignedSourceWorkflow.Data d = layout.data();
    String prefix = Layouts.prefix(d.prefix());
    Map<String, List<JsonNode>> binaries =
        Layouts.byArchitecture(layout, d.binaryArtifacts(), d.architectures());
    List<Layout.Resolved> templates = layout.resolveAll(d.signingTemplateArtifacts());
    LookupSingle environment = Layouts.environment(d.vendor(), d.codename(), null);
    for (String arch : Layouts.sorted(d.architectures())) {
      List<JsonNode> archBinaries = binaries.get(arch);
      if (archBinaries == null) {
        continue;
      }
      LookupMultiple unsigned = Layouts.multiple(archBinaries);
      for (int i = 0; i < templates.size(); i++) {
        String id = arch + "-" + i;
        LookupSingle template = LookupSingle.fromJson(templates.get(i).lookup());
        Map<String, String> promiseData = Map.of("architecture", arch);
        layout
            .child(
                "extract-" + id,
                ExtractForSigningTask.DEFINITION,
                new ExtractForSigningTask.Data(
                    new ExtractForSigningTask.Input(template, unsigned),
                    environment,
                    d.backend(),
                    null))
            .displayName("Extract for signing " + id)
            .requires(template)
            .requires(unsigned)
            .provides(prefix + "signing-input-" + id, "debusine:signing-input", promiseData);
        String input = Layouts.internal(prefix + "signing-input-" + id);
        layout
            .child(
                "sign-" + id,
                SignTask.DEFINITION,
                new SignTask.Data(d.purpose(), LookupMultiple.of(input), d.key(), null))
            .displayName("Sign " + id)
            .requires(input)
            .provides(prefix + "signing-output-" + id, "debusine:signing-output", promiseData);
        String output = Layouts.internal(prefix + "signing-output-" + id);
        layout
            .child(
                "assemble-" + id,
                AssembleSignedSourceTask.DEFINITION,
                new AssembleSignedSourceTask.Data(
                    environment, d.backend(), template, LookupMultiple.of(output), null))
            .displayName("Assemble signed source " + id)
            .requires(template)
            .requires(output)
            .provides(prefix + "signed-source-" + id, "debian:source-package", promiseData);
        String signedSource = Layouts.internal(prefix + "signed-source-" + id);
        layout
            .subWorkflowWhenReady(
                "sbuild-" + id,
                SbuildWorkflow.DEFINITION,
                new SbuildWorkflow.Data(
                    new SbuildWorkflow.Input(LookupSingle.of(signedSource)),
                    Layouts.vendor(d.vendor()) + ":" + d.codename(),
                    List.of(arch),
                    null,
                    d.backend(),
                    null,
                    null,
                    null,
                    prefix + "signed-" + id + "|"),
                signedSource)
            .displayName("Build signed source " + id);
      }
    }
  }
}

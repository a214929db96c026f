package dev.kiln.workflow.domain.catalogue;

import dev.kiln.task.external.worker.MmdebstrapTask;
import dev.kiln.task.model.BootstrapOptions;
import dev.kiln.task.model.BootstrapRepository;
import dev.kiln.task.server.DbTaskDefinition;
import dev.kiln.task.server.workflow.UpdateEnvironmentsWorkflow;
import dev.kiln.workflow.domain.orchestration.EventReaction;
import dev.kiln.workflow.domain.orchestration.Layout;
import dev.kiln.workflow.domain.orchestration.Orchestrator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code update_environments}: per target, codename, architecture and variant a {@code
 * worker/mmdebstrap} (key {@code mmdebstrap-<codename>-<arch>[-<variant>]}, group the codename)
 * whose {@code debian:system-tarball} is added, on success, to {@code <vendor>@debian:environments}
 * with the variables {@code codename}, {@code architecture}, {@code variant} and {@code format:
 * tarball} — once per codename and once per alias.
 */
public final class UpdateEnvironmentsOrchestrator
    implements Orchestrator<UpdateEnvironmentsWorkflow.Data> {

  @Override
  public DbTaskDefinition<UpdateEnvironmentsWorkflow.Data> definition() {
    return UpdateEnvironmentsWorkflow.DEFINITION;
  }

  @Override
  public void populate(Layout<UpdateEnvironmentsWorkflow.Data> layout) {
    UpdateEnvironmentsWorkflow.Data d = layout.data();
    String collection = d.vendor() + "@debian:environments";
    for (UpdateEnvironmentsWorkflow.Target t : d.targets()) {
      List<String> variants =
          t.variants() == null || t.variants().isEmpty()
              ? Arrays.asList((String) null)
              : t.variants();
      for (String codename : t.codenames()) {
        List<String> names = new ArrayList<>(List.of(codename));
        if (t.codenameAliases() != null && t.codenameAliases().get(codename) != null) {
          names.addAll(t.codenameAliases().get(codename));
        }
        for (String arch : Layouts.sorted(t.architectures())) {
          for (String variant : variants) {
            MmdebstrapTask.Data task =
                new MmdebstrapTask.Data(
                    new BootstrapOptions(arch, variant, t.extraPackages(), null),
                    List.of(
                        new BootstrapRepository(
                            t.mirror(), codename, null, t.components(), null, null, null)),
                    t.customizationScript(),
                    null);
            String key =
                "mmdebstrap-" + codename + "-" + arch + (variant == null ? "" : "-" + variant);
            Layout.Child child =
                layout
                    .child(key, MmdebstrapTask.DEFINITION, task)
                    .displayName(
                        "Bootstrap "
                            + codename
                            + " "
                            + arch
                            + (variant == null ? "" : " " + variant))
                    .group(codename);
            for (String name : names) {
              Map<String, String> variables = new LinkedHashMap<>();
              variables.put("codename", name);
              variables.put("architecture", arch);
              variables.put("format", "tarball");
              if (variant != null) {
                variables.put("variant", variant);
              }
              child.onSuccess(
                  EventReaction.updateCollection(
                      collection, null, variables, "debian:system-tarball"));
            }
          }
        }
      }
    }
  }
}

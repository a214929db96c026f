package dev.kiln.agent.task.debian;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.executor.ExecResult;
import dev.kiln.agent.executor.ProcessSpec;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.agent.taskio.CommandLog;
import dev.kiln.agent.taskio.Deb822;
import dev.kiln.agent.taskio.Environments;
import dev.kiln.task.external.worker.MmdebstrapTask;
import dev.kiln.task.model.BootstrapOptions;
import dev.kiln.task.model.BootstrapRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code worker/mmdebstrap}: {@code mmdebstrap --mode=unshare} on the host makes {@code
 * system.tar.zst} from the task's repositories; its {@code /var/lib/dpkg/status} gives the package
 * list; the tarball is uploaded as a {@code debian:system-tarball}.
 */
public final class MmdebstrapRunner implements WorkerTask {

  static final String TARBALL = "system.tar.zst";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Environments environments;

  public MmdebstrapRunner(Environments environments) {
    this.environments = environments;
  }

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "mmdebstrap";
  }

  @Override
  public int version() {
    return MmdebstrapTask.DEFINITION.version();
  }

  /**
   * The mmdebstrap command line: unshare mode, the architecture, variant and extra packages, the
   * customization script (uploaded into the new system and run there) and one source line per
   * repository and type.
   *
   * @param script the customization script on the host, or null
   */
  static List<String> command(MmdebstrapTask.Data d, Path output, Path script) {
    BootstrapOptions o = d.bootstrapOptions();
    List<String> argv = new ArrayList<>();
    argv.add("mmdebstrap");
    argv.add("--mode=unshare");
    argv.add("--architectures=" + o.architecture());
    if (o.variant() != null && !o.variant().isBlank()) {
      argv.add("--variant=" + o.variant());
    }
    if (o.extraPackages() != null && !o.extraPackages().isEmpty()) {
      argv.add("--include=" + String.join(",", o.extraPackages()));
    }
    if (script != null) {
      argv.add("--customize-hook=upload " + script.toAbsolutePath() + " /kiln-customize");
      argv.add("--customize-hook=chroot \"$1\" /bin/sh /kiln-customize");
      argv.add("--customize-hook=rm -f \"$1/kiln-customize\"");
    }
    List<BootstrapRepository> repos = d.bootstrapRepositories();
    argv.add(repos.get(0).suite());
    argv.add(output.toAbsolutePath().toString());
    for (BootstrapRepository r : repos) {
      argv.addAll(sourceLines(r));
    }
    return argv;
  }

  /** One {@code deb}/{@code deb-src} line per type of a repository. */
  static List<String> sourceLines(BootstrapRepository r) {
    List<String> lines = new ArrayList<>();
    List<BootstrapRepository.SourceType> types =
        r.types() == null || r.types().isEmpty()
            ? List.of(BootstrapRepository.SourceType.DEB)
            : r.types();
    String options =
        r.checkSignatureWith() == BootstrapRepository.SignatureCheck.NO_CHECK
            ? " [trusted=yes]"
            : "";
    String components =
        r.components() == null || r.components().isEmpty()
            ? "main"
            : String.join(" ", r.components());
    for (BootstrapRepository.SourceType t : types) {
      String type = t == BootstrapRepository.SourceType.DEB ? "deb" : "deb-src";
      lines.add(type + options + " " + r.mirror() + " " + r.suite() + " " + components);
    }
    return lines;
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    MmdebstrapTask task = (MmdebstrapTask) context.task();
    MmdebstrapTask.Data d = task.data();
    try (CommandLog log = new CommandLog(context.logFile(), context.workDir())) {
      Path out = Files.createDirectories(context.workDir().resolve("out"));
      Path tarball = out.resolve(TARBALL);
      Path script = null;
      if (d.customizationScript() != null && !d.customizationScript().isBlank()) {
        script = context.workDir().resolve("customization-script");
        Files.writeString(script, d.customizationScript());
      }
      log.line(
          "mmdebstrap: "
              + d.bootstrapRepositories().get(0).suite()
              + " for "
              + d.bootstrapOptions().architecture());
      ExecResult r =
          log.host(environments.host(), "mmdebstrap", ProcessSpec.of(command(d, tarball, script)));
      if (!r.succeeded() || !Files.isRegularFile(tarball)) {
        log.line("mmdebstrap failed: no system tarball");
        return TaskOutcome.failure();
      }
      Path status = context.workDir().resolve("dpkg-status");
      ExecResult listed =
          environments
              .host()
              .run(
                  ProcessSpec.of(
                          "tar", "-x", "-O", "-f", tarball.toString(), "./var/lib/dpkg/status")
                      .withStdout(status),
                  dev.kiln.agent.executor.OutputSink.NONE,
                  dev.kiln.agent.executor.Cancellation.none());
      if (!listed.succeeded()) {
        throw new IOException("reading /var/lib/dpkg/status from the tarball failed");
      }
      Map<String, String> pkglist = installedPackages(Deb822.paragraphs(status));
      ObjectNode data = tarballData(d, pkglist);
      long id =
          context
              .artifacts()
              .upload("debian:system-tarball", data, Map.of(TARBALL, tarball), List.of());
      log.line(
          "uploaded debian:system-tarball "
              + id
              + " ("
              + Files.size(tarball)
              + " bytes, "
              + pkglist.size()
              + " packages)");
      return TaskOutcome.success();
    }
  }

  /** Package → version of the installed packages of a dpkg status file. */
  static Map<String, String> installedPackages(List<Map<String, String>> status) {
    Map<String, String> pkglist = new TreeMap<>();
    for (Map<String, String> p : status) {
      if (p.getOrDefault("Status", "").endsWith(" installed") && p.containsKey("Package")) {
        pkglist.put(p.get("Package"), p.getOrDefault("Version", ""));
      }
    }
    return pkglist;
  }

  /** The {@code debian:system-tarball} data (Debusine's DebianSystemTarball). */
  static ObjectNode tarballData(MmdebstrapTask.Data d, Map<String, String> pkglist) {
    BootstrapRepository first = d.bootstrapRepositories().get(0);
    ObjectNode data = JSON.createObjectNode();
    data.put("filename", TARBALL);
    data.put("vendor", first.mirror().contains("ubuntu") ? "ubuntu" : "debian");
    data.put("codename", first.suite());
    data.put("mirror", first.mirror());
    var components = data.putArray("components");
    (first.components() == null || first.components().isEmpty()
            ? List.of("main")
            : first.components())
        .forEach(components::add);
    if (d.bootstrapOptions().variant() == null) {
      data.putNull("variant");
    } else {
      data.put("variant", d.bootstrapOptions().variant());
    }
    ObjectNode list = data.putObject("pkglist");
    pkglist.forEach(list::put);
    data.put("architecture", d.bootstrapOptions().architecture());
    data.put("with_dev", true);
    data.put("with_init", pkglist.containsKey("init") || pkglist.containsKey("systemd-sysv"));
    return data;
  }
}

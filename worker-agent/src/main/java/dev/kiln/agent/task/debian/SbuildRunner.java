package dev.kiln.agent.task.debian;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.executor.ExecResult;
import dev.kiln.agent.executor.ProcessSpec;
import dev.kiln.agent.image.ImageCache;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.agent.taskio.AttemptArtifacts;
import dev.kiln.agent.taskio.AttemptArtifacts.Related;
import dev.kiln.agent.taskio.CommandLog;
import dev.kiln.agent.taskio.Deb822;
import dev.kiln.agent.taskio.Environments;
import dev.kiln.agent.taskio.Relation;
import dev.kiln.task.external.worker.SbuildTask;
import dev.kiln.task.input.InputArtifactMultiple;
import dev.kiln.task.input.InputArtifactSingle;
import dev.kiln.task.model.Backend;
import dev.kiln.task.model.ExtraRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code worker/sbuild}: builds the input {@code debian:source-package} with {@code sbuild
 * --chroot-mode=unshare} on the environment's tarball (from the image cache), as the agent's user.
 * Outputs, as Debusine's: the {@code debian:package-build-log} (relates-to the source package and
 * the binary packages), one {@code debian:binary-package} per {@code .deb} (built-using the source
 * package and the environment) and the {@code debian:upload} of the {@code .changes} (extends and
 * relates-to the binary packages). A build that fails uploads its build log and ends {@code
 * failure}.
 */
public final class SbuildRunner implements WorkerTask {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Environments environments;

  public SbuildRunner(Environments environments) {
    this.environments = environments;
  }

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "sbuild";
  }

  @Override
  public int version() {
    return SbuildTask.DEFINITION.version();
  }

  /**
   * The sbuild command line (the build directory and log directory come from the private
   * configuration file, {@link #config}).
   *
   * @param extraPackages {@code .deb} files made available to the build
   */
  static List<String> command(
      SbuildTask.Data d,
      String hostArchitecture,
      String codename,
      Path tarball,
      Path dsc,
      List<Path> extraPackages) {
    List<String> argv = new ArrayList<>();
    argv.add("sbuild");
    argv.add("--chroot-mode=unshare");
    argv.add("--chroot=" + tarball.toAbsolutePath());
    argv.add("--dist=" + codename);
    argv.add("--arch=" + hostArchitecture);
    argv.add("--no-run-lintian");
    argv.add("--no-run-piuparts");
    argv.add("--no-run-autopkgtest");
    List<SbuildTask.BuildComponent> components =
        d.buildComponents() == null || d.buildComponents().isEmpty()
            ? List.of(SbuildTask.BuildComponent.ANY)
            : d.buildComponents();
    argv.add(components.contains(SbuildTask.BuildComponent.ANY) ? "--arch-any" : "--no-arch-any");
    argv.add(components.contains(SbuildTask.BuildComponent.ALL) ? "--arch-all" : "--no-arch-all");
    argv.add(components.contains(SbuildTask.BuildComponent.SOURCE) ? "--source" : "--no-source");
    if (d.buildProfiles() != null && !d.buildProfiles().isEmpty()) {
      argv.add("--profiles=" + String.join(",", d.buildProfiles()));
    }
    if (d.buildDepResolver() != null) {
      argv.add("--build-dep-resolver=" + d.buildDepResolver().name().toLowerCase());
    }
    if (d.aspcudCriteria() != null && !d.aspcudCriteria().isBlank()) {
      argv.add("--aspcud-criteria=" + d.aspcudCriteria());
    }
    if (d.extraRepositories() != null) {
      for (ExtraRepository r : d.extraRepositories()) {
        argv.add("--extra-repository=" + extraRepositoryLine(r));
      }
    }
    for (Path deb : extraPackages) {
      argv.add("--extra-package=" + deb.toAbsolutePath());
    }
    if (d.binnmu() != null) {
      argv.add("--make-binNMU=" + d.binnmu().changelog());
      argv.add("--append-to-version=" + d.binnmu().suffix());
      argv.add("--binNMU=0");
      if (d.binnmu().maintainer() != null) {
        argv.add("--maintainer=" + d.binnmu().maintainer());
      }
      if (d.binnmu().timestamp() != null) {
        argv.add("--binNMU-timestamp=" + d.binnmu().timestamp().getEpochSecond());
      }
    }
    argv.add(dsc.toAbsolutePath().toString());
    return argv;
  }

  static String extraRepositoryLine(ExtraRepository r) {
    return "deb "
        + r.url()
        + " "
        + r.suite()
        + (r.components() == null ? "" : " " + String.join(" ", r.components()));
  }

  /**
   * sbuild's private configuration: where it builds and logs; no lintian, piuparts, autopkgtest.
   */
  static String config(Path buildDir, Path logDir) {
    return String.join(
        "\n",
        "$build_dir = '" + buildDir.toAbsolutePath() + "';",
        "$log_dir = '" + logDir.toAbsolutePath() + "';",
        "$run_lintian = 0;",
        "$run_piuparts = 0;",
        "$run_autopkgtest = 0;",
        "1;",
        "");
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    SbuildTask task = (SbuildTask) context.task();
    SbuildTask.Data d = task.data();
    AttemptArtifacts artifacts = context.artifacts();
    InputArtifactSingle source = task.input(SbuildTask.SOURCE_ARTIFACT);
    InputArtifactSingle environment = task.input(SbuildTask.ENVIRONMENT);
    String arch = task.input(SbuildTask.HOST_ARCHITECTURE).architecture();
    String codename =
        Optional.ofNullable(environment.artifact().dataText("codename"))
            .orElseThrow(() -> new IOException("the environment names no codename"));
    if (Backend.resolve(task.backend()) != Backend.UNSHARE) {
      throw new IOException(
          "sbuild runs here with the unshare backend only, not " + task.backend());
    }
    Path work = context.workDir();
    try (CommandLog log = new CommandLog(context.logFile(), work)) {
      log.line("sbuild: downloading source package " + source.artifactId());
      AttemptArtifacts.Downloaded src =
          artifacts.download(source.artifactId(), work.resolve("src"));
      Path dsc = src.fileEndingWith(".dsc");
      List<Path> extra = new ArrayList<>();
      Optional<InputArtifactMultiple> extras =
          task.optionalInput(SbuildTask.EXTRA_BINARY_ARTIFACTS);
      if (extras.isPresent()) {
        for (long id : extras.get().artifactIds()) {
          AttemptArtifacts.Downloaded x = artifacts.download(id, work.resolve("extra/" + id));
          x.files().values().stream()
              .filter(p -> p.toString().endsWith(".deb"))
              .forEach(extra::add);
        }
      }
      try (ImageCache.CachedImage image =
          environments.image(artifacts, environment.artifactId(), Backend.UNSHARE)) {
        Path out = Files.createDirectories(work.resolve("build"));
        Path logs = Files.createDirectories(work.resolve("sbuild-logs"));
        Path config = work.resolve("sbuild.conf");
        Files.writeString(config, config(out, logs));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("SBUILD_CONFIG", config.toAbsolutePath().toString());
        List<String> argv = command(d, arch, codename, image.image().imageFile(), dsc, extra);
        ExecResult r =
            log.host(
                environments.host(), "sbuild", new ProcessSpec(argv, env, out, null, null, null));
        return collect(context, log, src, environment.artifactId(), arch, out, logs, r);
      }
    }
  }

  private TaskOutcome collect(
      TaskContext context,
      CommandLog log,
      AttemptArtifacts.Downloaded src,
      long environmentId,
      String arch,
      Path out,
      Path logs,
      ExecResult r)
      throws IOException, InterruptedException {
    AttemptArtifacts artifacts = context.artifacts();
    String name = src.data().path("name").asText();
    String version = src.data().path("version").asText();
    Path buildLog = findBuildLog(out, logs);
    if (!r.succeeded()) {
      if (buildLog != null) {
        uploadBuildLog(artifacts, log, name, version, arch, buildLog, src.id(), List.of());
      }
      log.line("sbuild failed: the build of " + name + " " + version + " did not succeed");
      return TaskOutcome.failure();
    }
    List<Path> debs;
    try (Stream<Path> files = Files.list(out)) {
      debs = files.filter(p -> p.toString().endsWith(".deb")).sorted().toList();
    }
    List<Long> binaries = new ArrayList<>();
    for (Path deb : debs) {
      ObjectNode data = binaryPackageData(context.workDir(), log, deb, name, version);
      binaries.add(
          artifacts.upload(
              "debian:binary-package",
              data,
              Map.of(deb.getFileName().toString(), deb),
              List.of(
                  new Related(Relation.BUILT_USING, src.id()),
                  new Related(Relation.BUILT_USING, environmentId))));
    }
    log.line("uploaded " + binaries.size() + " debian:binary-package artifact(s) " + binaries);
    Path changes;
    try (Stream<Path> files = Files.list(out)) {
      changes =
          files
              .filter(p -> p.toString().endsWith(".changes"))
              .findFirst()
              .orElseThrow(() -> new IOException("sbuild left no .changes in " + out));
    }
    Map<String, String> fields = Deb822.paragraph(changes);
    Map<String, Path> uploadFiles = new LinkedHashMap<>();
    uploadFiles.put(changes.getFileName().toString(), changes);
    for (String f : Deb822.fileNames(fields)) {
      Path p = out.resolve(f);
      if (!Files.isRegularFile(p)) {
        throw new IOException(
            changes.getFileName() + " lists " + f + ", which sbuild did not make");
      }
      uploadFiles.put(f, p);
    }
    ObjectNode upload = JSON.createObjectNode();
    upload.put("type", "dpkg");
    upload.set("changes_fields", Deb822.toJson(fields));
    List<Related> uploadRelations = new ArrayList<>();
    for (long b : binaries) {
      uploadRelations.add(new Related(Relation.EXTENDS, b));
      uploadRelations.add(new Related(Relation.RELATES_TO, b));
    }
    long uploadId = artifacts.upload("debian:upload", upload, uploadFiles, uploadRelations);
    log.line("uploaded debian:upload " + uploadId + " (" + changes.getFileName() + ")");
    if (buildLog == null) {
      throw new IOException("sbuild left no build log");
    }
    uploadBuildLog(artifacts, log, name, version, arch, buildLog, src.id(), binaries);
    return TaskOutcome.success();
  }

  private static void uploadBuildLog(
      AttemptArtifacts artifacts,
      CommandLog log,
      String name,
      String version,
      String arch,
      Path buildLog,
      long sourceId,
      List<Long> binaries)
      throws IOException, InterruptedException {
    String filename = name + "_" + version.replaceFirst("^\\d+:", "") + "_" + arch + ".buildlog";
    ObjectNode data = JSON.createObjectNode();
    data.put("source", name);
    data.put("version", version);
    data.put("architecture", arch);
    data.put("filename", filename);
    List<Related> relations = new ArrayList<>();
    relations.add(new Related(Relation.RELATES_TO, sourceId));
    binaries.forEach(b -> relations.add(new Related(Relation.RELATES_TO, b)));
    long id =
        artifacts.upload("debian:package-build-log", data, Map.of(filename, buildLog), relations);
    log.line("uploaded debian:package-build-log " + id);
  }

  /**
   * sbuild's log: the {@code .build} file of the build directory (a link into the log dir), else
   * the newest file of the log dir; null when there is none.
   */
  static Path findBuildLog(Path out, Path logs) throws IOException {
    try (Stream<Path> files = Files.list(out)) {
      Optional<Path> build =
          files.filter(p -> p.toString().endsWith(".build")).filter(Files::exists).findFirst();
      if (build.isPresent()) {
        return build.get().toRealPath();
      }
    }
    try (Stream<Path> files = Files.list(logs)) {
      return files
          .filter(Files::isRegularFile)
          .max(java.util.Comparator.comparing(p -> p.toFile().lastModified()))
          .orElse(null);
    }
  }

  /** The {@code debian:binary-package} data of a {@code .deb}: its control fields and files. */
  private ObjectNode binaryPackageData(
      Path work, CommandLog log, Path deb, String source, String sourceVersion)
      throws IOException, InterruptedException {
    Path control = work.resolve("control").resolve(deb.getFileName().toString());
    Files.createDirectories(control.getParent());
    ExecResult r =
        log.host(
            environments.host(),
            "dpkg-deb-" + deb.getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_"),
            ProcessSpec.of("dpkg-deb", "-e", deb.toString(), control.toString()));
    if (!r.succeeded()) {
      throw new IOException("dpkg-deb -e " + deb.getFileName() + " failed");
    }
    ObjectNode data = JSON.createObjectNode();
    Map<String, String> fields = Deb822.paragraph(control.resolve("control"));
    String srcField = fields.getOrDefault("Source", source);
    // "Source: name (version)" when the binary version differs
    data.put("srcpkg_name", srcField.split("\\s+")[0]);
    data.put("srcpkg_version", sourceVersion);
    ObjectNode debFields = data.putObject("deb_fields");
    fields.forEach(debFields::put);
    var controlFiles = data.putArray("deb_control_files");
    try (Stream<Path> files = Files.list(control)) {
      files.map(p -> p.getFileName().toString()).sorted().forEach(controlFiles::add);
    }
    return data;
  }
}

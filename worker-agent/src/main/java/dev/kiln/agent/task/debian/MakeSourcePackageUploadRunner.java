package dev.kiln.agent.task.debian;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.executor.Command;
import dev.kiln.agent.executor.ExecResult;
import dev.kiln.agent.executor.Instance;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.agent.taskio.AttemptArtifacts;
import dev.kiln.agent.taskio.AttemptArtifacts.Related;
import dev.kiln.agent.taskio.CommandLog;
import dev.kiln.agent.taskio.Deb822;
import dev.kiln.agent.taskio.Environments;
import dev.kiln.agent.taskio.Relation;
import dev.kiln.task.external.worker.MakeSourcePackageUploadTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code worker/makesourcepackageupload}: in an instance of the environment, unpacks the source
 * package ({@code dpkg-source -x}) and makes its source-only {@code .changes} ({@code
 * dpkg-genchanges -S}, with {@code -v<since_version>} and the target distribution when given). The
 * {@code debian:upload} (the {@code .changes} and the source package's files) {@code extends} and
 * {@code relates-to} the source package.
 */
public final class MakeSourcePackageUploadRunner implements WorkerTask {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DIR = "/tmp/kiln-source";

  private final Environments environments;

  public MakeSourcePackageUploadRunner(Environments environments) {
    this.environments = environments;
  }

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "makesourcepackageupload";
  }

  @Override
  public int version() {
    return MakeSourcePackageUploadTask.DEFINITION.version();
  }

  /** The name of the {@code .changes}: {@code <source>_<version without epoch>_source.changes}. */
  static String changesName(String source, String version) {
    return source + "_" + version.replaceFirst("^\\d+:", "") + "_source.changes";
  }

  /** The commands, as the build user in {@link #DIR}: unpack, then make the .changes. */
  static List<Command> commands(MakeSourcePackageUploadTask.Data d, String dsc, String changes) {
    List<String> genchanges = new ArrayList<>(List.of("dpkg-genchanges", "-S"));
    if (d.sinceVersion() != null && !d.sinceVersion().isBlank()) {
      genchanges.add("-v" + d.sinceVersion());
    }
    if (d.targetDistribution() != null && !d.targetDistribution().isBlank()) {
      genchanges.add("-DDistribution=" + d.targetDistribution());
    }
    genchanges.add("-O../" + changes);
    return List.of(
        new Command(
            List.of("dpkg-source", "--no-check", "-x", dsc, "unpacked"),
            false,
            null,
            Map.of(),
            DIR,
            false),
        new Command(genchanges, false, null, Map.of(), DIR + "/unpacked", false));
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    MakeSourcePackageUploadTask task = (MakeSourcePackageUploadTask) context.task();
    AttemptArtifacts artifacts = context.artifacts();
    var source = task.input(MakeSourcePackageUploadTask.SOURCE_ARTIFACT);
    var environment = task.input(MakeSourcePackageUploadTask.ENVIRONMENT);
    Path work = context.workDir();
    try (CommandLog log = new CommandLog(context.logFile(), work)) {
      AttemptArtifacts.Downloaded src =
          artifacts.download(source.artifactId(), work.resolve("src"));
      String dsc = src.fileEndingWith(".dsc").getFileName().toString();
      String changes =
          changesName(src.data().path("name").asText(), src.data().path("version").asText());
      Path changesFile = work.resolve(changes);
      try (Environments.Session session =
          environments.open(artifacts, environment.artifactId(), task.backend())) {
        Instance instance = session.instance();
        ExecResult mk = log.in(instance, "mkdir", Command.asRoot("mkdir", "-p", "-m", "1777", DIR));
        if (!mk.succeeded()) {
          throw new IOException("preparing " + DIR + " in the environment failed");
        }
        for (Path f : src.files().values()) {
          instance.copyIn(f, DIR + "/" + f.getFileName());
        }
        int step = 0;
        for (Command c : commands(task.data(), dsc, changes)) {
          ExecResult r = log.in(instance, c.argv().get(0) + "-" + (++step), c);
          if (!r.succeeded()) {
            log.line(c.argv().get(0) + " failed");
            return TaskOutcome.failure();
          }
        }
        instance.copyOut(DIR + "/" + changes, changesFile);
      }
      Map<String, String> fields = Deb822.paragraph(changesFile);
      Map<String, Path> files = new LinkedHashMap<>();
      files.put(changes, changesFile);
      for (String name : Deb822.fileNames(fields)) {
        Path p = work.resolve("src").resolve(name);
        if (!Files.isRegularFile(p)) {
          throw new IOException(changes + " lists " + name + ", which the source package lacks");
        }
        files.put(name, p);
      }
      ObjectNode data = JSON.createObjectNode();
      data.put("type", "dpkg");
      data.set("changes_fields", Deb822.toJson(fields));
      long id =
          artifacts.upload(
              "debian:upload",
              data,
              files,
              List.of(
                  new Related(Relation.EXTENDS, src.id()),
                  new Related(Relation.RELATES_TO, src.id())));
      log.line("uploaded debian:upload " + id + " (" + changes + ")");
      return TaskOutcome.success();
    }
  }
}

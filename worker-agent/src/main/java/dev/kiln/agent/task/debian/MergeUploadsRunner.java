package dev.kiln.agent.task.debian;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.executor.Cancellation;
import dev.kiln.agent.executor.Command;
import dev.kiln.agent.executor.ExecResult;
import dev.kiln.agent.executor.Instance;
import dev.kiln.agent.executor.ProcessSpec;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.agent.taskio.AttemptArtifacts;
import dev.kiln.agent.taskio.AttemptArtifacts.Related;
import dev.kiln.agent.taskio.CommandLog;
import dev.kiln.agent.taskio.Deb822;
import dev.kiln.agent.taskio.Environments;
import dev.kiln.agent.taskio.Relation;
import dev.kiln.task.external.worker.MergeUploadsTask;
import dev.kiln.task.input.InputArtifactSingle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code worker/mergeuploads}: merges several {@code debian:upload}s of one source version into one
 * with devscripts' {@code mergechanges} — on the host, or in an instance of the environment
 * (devscripts installed there first) when the task names one. The merged {@code debian:upload}
 * ({@code <source>_<version>_multi.changes} and every file it lists) {@code extends} and {@code
 * relates-to} each input upload.
 */
public final class MergeUploadsRunner implements WorkerTask {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DIR = "/tmp/kiln-merge";

  private final Environments environments;

  public MergeUploadsRunner(Environments environments) {
    this.environments = environments;
  }

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "mergeuploads";
  }

  @Override
  public int version() {
    return MergeUploadsTask.DEFINITION.version();
  }

  /** The mergechanges command line (it writes the merged .changes to its standard output). */
  static List<String> command(List<String> changes) {
    List<String> argv = new ArrayList<>(List.of("mergechanges"));
    argv.addAll(changes);
    return argv;
  }

  /** The merged upload's name: {@code <source>_<version without epoch>_multi.changes}. */
  static String mergedName(Map<String, String> firstChanges) {
    return firstChanges.get("Source").split("\\s+")[0]
        + "_"
        + firstChanges.get("Version").replaceFirst("^\\d+:", "")
        + "_multi.changes";
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    MergeUploadsTask task = (MergeUploadsTask) context.task();
    AttemptArtifacts artifacts = context.artifacts();
    Path work = context.workDir();
    Path merge = Files.createDirectories(work.resolve("merge"));
    try (CommandLog log = new CommandLog(context.logFile(), work)) {
      List<Long> inputs = task.input(MergeUploadsTask.UPLOADS).artifactIds();
      List<String> changes = new ArrayList<>();
      Map<String, String> first = null;
      for (long id : inputs) {
        AttemptArtifacts.Downloaded dl = artifacts.download(id, work.resolve("in/" + id));
        for (Path f : dl.files().values()) {
          Files.copy(
              f, merge.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        }
        Path c = dl.fileEndingWith(".changes");
        changes.add(c.getFileName().toString());
        if (first == null) {
          first = Deb822.paragraph(c);
        }
      }
      if (first == null) {
        return TaskOutcome.error("configure-failed", "input.uploads found no upload");
      }
      String name = mergedName(first);
      Path merged = work.resolve(name);
      Optional<InputArtifactSingle> environment = task.optionalInput(MergeUploadsTask.ENVIRONMENT);
      ExecResult r;
      if (environment.isEmpty()) {
        log.line("$ " + String.join(" ", command(changes)) + " > " + name);
        r =
            environments
                .host()
                .run(
                    new ProcessSpec(command(changes), null, merge, null, merged, null),
                    dev.kiln.agent.executor.OutputSink.NONE,
                    Cancellation.none());
      } else {
        try (Environments.Session session =
            environments.open(artifacts, environment.get().artifactId(), task.backend())) {
          Instance instance = session.instance();
          Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
          for (Command c :
              List.of(
                  Command.asRoot("apt-get", "-q", "update").withEnv(env),
                  Command.asRoot(
                          "apt-get", "-q", "-y", "--no-install-recommends", "install", "devscripts")
                      .withEnv(env),
                  Command.asRoot("mkdir", "-p", "-m", "1777", DIR))) {
            if (!log.in(instance, "install-" + c.argv().get(c.argv().size() - 1), c).succeeded()) {
              throw new IOException("installing devscripts in the environment failed");
            }
          }
          try (var files = Files.list(merge)) {
            for (Path f : files.toList()) {
              instance.copyIn(f, DIR + "/" + f.getFileName());
            }
          }
          List<String> argv =
              new ArrayList<>(
                  List.of(
                      "/bin/sh",
                      "-c",
                      "out=\"$1\"; shift; mergechanges \"$@\" > \"$out\"",
                      "kiln-merge",
                      name));
          argv.addAll(changes);
          r =
              log.in(
                  instance, "mergechanges", new Command(argv, false, null, Map.of(), DIR, false));
          if (r.succeeded()) {
            instance.copyOut(DIR + "/" + name, merged);
          }
        }
      }
      if (!r.succeeded()) {
        log.line("mergechanges failed: exit " + r.exitCode());
        return TaskOutcome.failure();
      }
      Map<String, String> fields = Deb822.paragraph(merged);
      Map<String, Path> files = new LinkedHashMap<>();
      files.put(name, merged);
      for (String f : Deb822.fileNames(fields)) {
        Path p = merge.resolve(f);
        if (!Files.isRegularFile(p)) {
          throw new IOException(name + " lists " + f + ", which no input upload holds");
        }
        files.put(f, p);
      }
      ObjectNode data = JSON.createObjectNode();
      data.put("type", "dpkg");
      data.set("changes_fields", Deb822.toJson(fields));
      List<Related> relations = new ArrayList<>();
      for (long id : inputs) {
        relations.add(new Related(Relation.EXTENDS, id));
        relations.add(new Related(Relation.RELATES_TO, id));
      }
      long id = artifacts.upload("debian:upload", data, files, relations);
      log.line("uploaded debian:upload " + id + " (" + name + ", " + inputs.size() + " uploads)");
      return TaskOutcome.success();
    }
  }
}

package dev.kiln.agent.task.debian;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.executor.ExecResult;
import dev.kiln.agent.task.TaskContext;
import dev.kiln.agent.task.TaskOutcome;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.agent.taskio.AttemptArtifacts;
import dev.kiln.agent.taskio.AttemptArtifacts.Related;
import dev.kiln.agent.taskio.CommandLog;
import dev.kiln.agent.taskio.Environments;
import dev.kiln.agent.taskio.Relation;
import dev.kiln.task.external.worker.DebdiffTask;
import dev.kiln.task.input.InputArtifactMultiple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code worker/debdiff}: compares two source packages ({@code .dsc}s) or two uploads/sets of
 * binary packages ({@code .changes}, or {@code --from}/{@code --to} {@code .deb}s) with devscripts'
 * debdiff in an instance of the environment. Its report is a {@code kiln:generic} artifact ({@code
 * debdiff.txt}, {@code data.tool = debdiff}, {@code data.differences}) that {@code relates-to} both
 * inputs. Exit 0 (identical) and 1 (different) are success; anything else is an error.
 */
public final class DebdiffRunner implements WorkerTask {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Environments environments;

  public DebdiffRunner(Environments environments) {
    this.environments = environments;
  }

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "debdiff";
  }

  @Override
  public int version() {
    return DebdiffTask.DEFINITION.version();
  }

  /**
   * debdiff's command line for the original and the new side, each the names of its files (in the
   * tool's directory).
   */
  static List<String> command(DebdiffTask.Data d, List<String> original, List<String> updated) {
    List<String> argv = new ArrayList<>(List.of("debdiff"));
    if (d.extraFlags() != null) {
      argv.addAll(d.extraFlags());
    }
    String single = target(original);
    if (single != null && target(updated) != null) {
      argv.add(single);
      argv.add(target(updated));
      return argv;
    }
    argv.add("--from");
    original.stream().filter(f -> f.endsWith(".deb")).forEach(argv::add);
    argv.add("--to");
    updated.stream().filter(f -> f.endsWith(".deb")).forEach(argv::add);
    return argv;
  }

  /** The .dsc or .changes among the files, or null. */
  private static String target(List<String> files) {
    for (String suffix : List.of(".dsc", ".changes")) {
      for (String f : files) {
        if (f.endsWith(suffix)) {
          return f;
        }
      }
    }
    return null;
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    DebdiffTask task = (DebdiffTask) context.task();
    AttemptArtifacts artifacts = context.artifacts();
    List<Long> inputs =
        task.optionalInput(DebdiffTask.SOURCE_ARTIFACTS)
            .or(() -> task.optionalInput(DebdiffTask.BINARY_ARTIFACTS))
            .map(InputArtifactMultiple::artifactIds)
            .orElse(List.of());
    if (inputs.size() != 2) {
      return TaskOutcome.error(
          "configure-failed",
          "debdiff compares exactly two artifacts (original, new), not " + inputs.size());
    }
    Path work = context.workDir();
    try (CommandLog log = new CommandLog(context.logFile(), work)) {
      Map<String, Path> files = new LinkedHashMap<>();
      List<List<String>> sides = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        AttemptArtifacts.Downloaded dl =
            artifacts.download(inputs.get(i), work.resolve("in/" + inputs.get(i)));
        List<String> side = new ArrayList<>();
        String prefix = i == 0 ? "original/" : "new/";
        for (Path f : dl.files().values()) {
          files.put(prefix + f.getFileName(), f);
          side.add(prefix + f.getFileName());
        }
        sides.add(side);
      }
      // the files of each side in its own directory: a .dsc or .changes names its files
      // relative to itself
      ExecResult r =
          ToolRun.run(
              environments,
              artifacts,
              log,
              work,
              task.input(DebdiffTask.ENVIRONMENT).artifactId(),
              task.backend(),
              List.of("devscripts"),
              files,
              command(task.data(), sides.get(0), sides.get(1)),
              "debdiff");
      if (r.exitCode() > 1 || r.timedOut() || r.cancelled()) {
        throw new IOException("debdiff did not run: exit " + r.exitCode());
      }
      Path report = Files.copy(log.stepFile("debdiff"), work.resolve("debdiff.txt"));
      ObjectNode data =
          JSON.createObjectNode().put("tool", "debdiff").put("differences", r.exitCode() == 1);
      List<Related> relations = new ArrayList<>();
      inputs.forEach(id -> relations.add(new Related(Relation.RELATES_TO, id)));
      long id = artifacts.upload("kiln:generic", data, Map.of("debdiff.txt", report), relations);
      log.line("uploaded the debdiff report " + id);
      return TaskOutcome.success();
    }
  }
}

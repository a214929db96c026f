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
import dev.kiln.task.external.worker.BlhcTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code worker/blhc}: checks a {@code debian:package-build-log} for missing hardening flags with
 * blhc (on the host, or in the environment when one is named). Its report is a {@code kiln:generic}
 * artifact ({@code blhc.txt}, {@code data.tool = blhc}) that {@code relates-to} the build log.
 * blhc's exit status: 0 clean (success), 1 bad arguments (error), otherwise flags are missing
 * (failure).
 */
public final class BlhcRunner implements WorkerTask {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Environments environments;

  public BlhcRunner(Environments environments) {
    this.environments = environments;
  }

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "blhc";
  }

  @Override
  public int version() {
    return BlhcTask.DEFINITION.version();
  }

  static List<String> command(BlhcTask.Data d, String buildLog) {
    List<String> argv = new ArrayList<>(List.of("blhc"));
    if (d.extraFlags() != null) {
      argv.addAll(d.extraFlags());
    }
    argv.add(buildLog);
    return argv;
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    BlhcTask task = (BlhcTask) context.task();
    AttemptArtifacts artifacts = context.artifacts();
    Path work = context.workDir();
    try (CommandLog log = new CommandLog(context.logFile(), work)) {
      long input = task.input(BlhcTask.ARTIFACT).artifactId();
      AttemptArtifacts.Downloaded dl = artifacts.download(input, work.resolve("in"));
      if (dl.files().size() != 1) {
        throw new IOException("build log " + input + " holds " + dl.files().size() + " files");
      }
      Path buildLog = dl.files().values().iterator().next();
      String name = "input.buildlog";
      Long environment =
          task.optionalInput(BlhcTask.ENVIRONMENT).map(e -> e.artifactId()).orElse(null);
      ExecResult r =
          ToolRun.run(
              environments,
              artifacts,
              log,
              work,
              environment,
              task.backend(),
              List.of("blhc"),
              Map.of(name, buildLog),
              command(task.data(), name),
              "blhc");
      if (r.exitCode() == 1 || r.timedOut() || r.cancelled()) {
        throw new IOException("blhc did not run: exit " + r.exitCode());
      }
      Path report = Files.copy(log.stepFile("blhc"), work.resolve("blhc.txt"));
      ObjectNode data = JSON.createObjectNode().put("tool", "blhc").put("exit_code", r.exitCode());
      long id =
          artifacts.upload(
              "kiln:generic",
              data,
              Map.of("blhc.txt", report),
              List.of(new Related(Relation.RELATES_TO, input)));
      log.line("uploaded the blhc report " + id + " (exit " + r.exitCode() + ")");
      return r.exitCode() == 0 ? TaskOutcome.success() : TaskOutcome.failure();
    }
  }
}

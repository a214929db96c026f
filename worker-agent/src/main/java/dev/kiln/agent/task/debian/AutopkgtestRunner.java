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
import dev.kiln.agent.taskio.Environments;
import dev.kiln.agent.taskio.Relation;
import dev.kiln.task.external.worker.AutopkgtestTask;
import dev.kiln.task.input.InputArtifactMultiple;
import dev.kiln.task.model.Backend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code worker/autopkgtest}: runs the source package's tests against the binary packages with
 * {@code autopkgtest … -- unshare} on the environment's tarball (from the image cache), as the
 * agent's user; {@code -U} because mmdebstrap strips the apt lists. The {@code debian:autopkgtest}
 * artifact (the summary and log; Debusine's data with each test's status) {@code relates-to} the
 * source and binary packages. Failed tests (and, when {@code fail_on} says so, flaky or skipped
 * ones) end the task {@code failure}; a testbed or autopkgtest failure is an error.
 */
public final class AutopkgtestRunner implements WorkerTask {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Environments environments;

  public AutopkgtestRunner(Environments environments) {
    this.environments = environments;
  }

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "autopkgtest";
  }

  @Override
  public int version() {
    return AutopkgtestTask.DEFINITION.version();
  }

  /** The autopkgtest command line, the virt server's arguments after {@code --}. */
  static List<String> command(
      AutopkgtestTask.Data d,
      String arch,
      String codename,
      Path tarball,
      Path output,
      List<Path> debs,
      Path dsc) {
    List<String> argv = new ArrayList<>(List.of("autopkgtest", "-U"));
    argv.add("--output-dir=" + output.toAbsolutePath());
    argv.add("--summary-file=" + output.toAbsolutePath().resolve("summary"));
    if (d.includeTests() != null) {
      d.includeTests().forEach(t -> argv.add("--test-name=" + t));
    }
    if (d.excludeTests() != null) {
      d.excludeTests().forEach(t -> argv.add("--skip-test=" + t));
    }
    if (d.extraEnvironment() != null) {
      d.extraEnvironment().forEach((k, v) -> argv.add("--env=" + k + "=" + v));
    }
    if (d.debugLevel() != null && d.debugLevel() > 0) {
      argv.add("--debug");
    }
    if (d.needsInternet() != null) {
      argv.add("--needs-internet=" + d.needsInternet().name().toLowerCase());
    }
    if (Boolean.TRUE.equals(d.usePackagesFromBaseRepository())) {
      argv.add("--apt-default-release=" + codename);
    }
    AutopkgtestTask.Timeout t = d.timeout();
    if (t != null) {
      add(argv, "--timeout-factor", t.factor());
      add(argv, "--timeout-short", t.shortTimeout());
      add(argv, "--timeout-install", t.install());
      add(argv, "--timeout-test", t.test());
      add(argv, "--timeout-copy", t.copy());
    }
    debs.forEach(p -> argv.add(p.toAbsolutePath().toString()));
    argv.add(dsc.toAbsolutePath().toString());
    argv.addAll(
        List.of(
            "--",
            "unshare",
            "--release",
            codename,
            "--arch",
            arch,
            "--tarball",
            tarball.toAbsolutePath().toString()));
    return argv;
  }

  private static void add(List<String> argv, String option, Integer value) {
    if (value != null) {
      argv.add(option + "=" + value);
    }
  }

  /** The results of autopkgtest's summary file: one line per test, {@code name STATUS details}. */
  static ObjectNode results(List<String> summary) {
    ObjectNode results = JSON.createObjectNode();
    for (String line : summary) {
      String[] parts = line.strip().split("\\s+", 3);
      if (parts.length < 2 || !List.of("PASS", "FAIL", "FLAKY", "SKIP").contains(parts[1])) {
        continue;
      }
      ObjectNode r = results.putObject(parts[0]).put("status", parts[1]);
      if (parts.length == 3) {
        r.put("details", parts[2]);
      } else {
        r.putNull("details");
      }
    }
    return results;
  }

  /** Whether the results fail the task under {@code fail_on} (default: failed tests only). */
  static boolean failed(ObjectNode results, AutopkgtestTask.FailOn failOn) {
    boolean onFailed = failOn == null || !Boolean.FALSE.equals(failOn.failedTest());
    boolean onFlaky = failOn != null && Boolean.TRUE.equals(failOn.flakyTest());
    boolean onSkipped = failOn != null && Boolean.TRUE.equals(failOn.skippedTest());
    for (var r : results) {
      String status = r.path("status").asText();
      if ((status.equals("FAIL") && onFailed)
          || (status.equals("FLAKY") && onFlaky)
          || (status.equals("SKIP") && onSkipped)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    AutopkgtestTask task = (AutopkgtestTask) context.task();
    AutopkgtestTask.Data d = task.data();
    if (Backend.resolve(task.backend()) != Backend.UNSHARE) {
      throw new IOException("autopkgtest runs here with the unshare backend only");
    }
    AttemptArtifacts artifacts = context.artifacts();
    Path work = context.workDir();
    var environment = task.input(AutopkgtestTask.ENVIRONMENT);
    String arch = task.input(AutopkgtestTask.HOST_ARCHITECTURE).architecture();
    String codename = environment.artifact().dataText("codename");
    if (codename == null) {
      throw new IOException("the environment names no codename");
    }
    try (CommandLog log = new CommandLog(context.logFile(), work)) {
      var source = task.input(AutopkgtestTask.SOURCE_ARTIFACT);
      AttemptArtifacts.Downloaded src =
          artifacts.download(source.artifactId(), work.resolve("src"));
      List<Long> related = new ArrayList<>(List.of(src.id()));
      List<Path> debs = new ArrayList<>();
      List<InputArtifactMultiple> binaries = new ArrayList<>();
      binaries.add(task.input(AutopkgtestTask.BINARY_ARTIFACTS));
      task.optionalInput(AutopkgtestTask.CONTEXT_ARTIFACTS).ifPresent(binaries::add);
      for (InputArtifactMultiple m : binaries) {
        for (long id : m.artifactIds()) {
          AttemptArtifacts.Downloaded dl = artifacts.download(id, work.resolve("bin/" + id));
          dl.files().values().stream()
              .filter(p -> p.toString().endsWith(".deb") && !p.toString().contains("-dbgsym_"))
              .forEach(debs::add);
          related.add(id);
        }
      }
      Path out = work.resolve("autopkgtest");
      ExecResult r;
      List<String> argv;
      try (ImageCache.CachedImage image =
          environments.image(artifacts, environment.artifactId(), Backend.UNSHARE)) {
        argv =
            command(
                d,
                arch,
                codename,
                image.image().imageFile(),
                out,
                debs,
                src.fileEndingWith(".dsc"));
        ProcessSpec spec = ProcessSpec.of(argv);
        if (d.timeout() != null && d.timeout().global() != null) {
          // autopkgtest has no global timeout of its own: the whole run is stopped after it
          spec = spec.withTimeout(java.time.Duration.ofSeconds(d.timeout().global()));
        }
        r = log.host(environments.host(), "autopkgtest", spec);
      }
      int code = r.exitCode();
      if (r.timedOut() || r.cancelled() || code >= 12) {
        throw new IOException("autopkgtest could not test the package: exit " + code);
      }
      Path summary = out.resolve("summary");
      ObjectNode results =
          results(
              Files.isRegularFile(summary)
                  ? Files.readAllLines(summary, StandardCharsets.UTF_8)
                  : List.of());
      ObjectNode data = JSON.createObjectNode();
      data.set("results", results);
      data.put("cmdline", CommandLog.shell(argv));
      data.putObject("source_package")
          .put("name", src.data().path("name").asText())
          .put("version", src.data().path("version").asText())
          .put("url", "urn:kiln:artifact:" + src.id());
      data.put("architecture", arch);
      data.put("distribution", "debian:" + codename);
      Map<String, Path> files = new LinkedHashMap<>();
      if (Files.isDirectory(out)) {
        try (Stream<Path> all = Files.walk(out)) {
          for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
            files.put(out.relativize(p).toString(), p);
          }
        }
      }
      List<Related> relations = new ArrayList<>();
      related.forEach(id -> relations.add(new Related(Relation.RELATES_TO, id)));
      long id = artifacts.upload("debian:autopkgtest", data, files, relations);
      log.line("uploaded debian:autopkgtest " + id + ": " + results);
      return failed(results, d.failOn()) ? TaskOutcome.failure() : TaskOutcome.success();
    }
  }
}

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
import dev.kiln.agent.taskio.Environments;
import dev.kiln.agent.taskio.Relation;
import dev.kiln.task.external.worker.LintianTask;
import dev.kiln.task.input.ArtifactInfo;
import dev.kiln.task.input.InputArtifactMultiple;
import dev.kiln.task.input.InputArtifactSingle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code worker/lintian}: in an instance of the environment, installs lintian (as root, with the
 * network), copies the inputs in and runs lintian on them as the build user. Its output becomes the
 * {@code debian:lintian} artifact ({@code lintian.txt}, the summary in its data), which relates to
 * every input. The task fails when a tag at {@code fail_on_severity} or above was found.
 */
public final class LintianRunner implements WorkerTask {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String INPUT_DIR = "/tmp/kiln-lintian";

  /** Lintian's one-letter codes, in the order of severity (most severe first). */
  static final Map<String, String> SEVERITIES = new LinkedHashMap<>();

  static {
    SEVERITIES.put("E", "error");
    SEVERITIES.put("W", "warning");
    SEVERITIES.put("I", "info");
    SEVERITIES.put("P", "pedantic");
    SEVERITIES.put("X", "experimental");
    SEVERITIES.put("O", "overridden");
    SEVERITIES.put("C", "classification");
  }

  /** {@code W: hello source: tag-name extra}: code, package, tag. */
  private static final Pattern TAG_LINE =
      Pattern.compile("^([EWIPXOC]): ([^:\\s]+)(?: [a-z]+)?: (\\S+)");

  private final Environments environments;

  public LintianRunner(Environments environments) {
    this.environments = environments;
  }

  @Override
  public String taskType() {
    return "worker";
  }

  @Override
  public String taskName() {
    return "lintian";
  }

  @Override
  public int version() {
    return LintianTask.DEFINITION.version();
  }

  /** The lintian command line, run as the build user in {@link #INPUT_DIR}. */
  static List<String> command(LintianTask.Data d, List<String> files) {
    List<String> argv = new ArrayList<>();
    argv.add("lintian");
    argv.add("--no-cfg");
    argv.add("--display-level");
    argv.add(">=classification");
    argv.add("--display-experimental");
    argv.add("--show-overrides");
    argv.add("--fail-on");
    argv.add("none");
    if (d.includeTags() != null && !d.includeTags().isEmpty()) {
      argv.add("--tags");
      argv.add(String.join(",", d.includeTags()));
    }
    if (d.excludeTags() != null && !d.excludeTags().isEmpty()) {
      argv.add("--suppress-tags");
      argv.add(String.join(",", d.excludeTags()));
    }
    argv.addAll(files);
    return argv;
  }

  /** The commands, as root, that make lintian available in a fresh environment instance. */
  static List<Command> installCommands() {
    Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
    return List.of(
        Command.asRoot("apt-get", "-q", "update").withEnv(env),
        Command.asRoot("apt-get", "-q", "-y", "--no-install-recommends", "install", "lintian")
            .withEnv(env),
        Command.asRoot("mkdir", "-p", "-m", "0755", INPUT_DIR));
  }

  @Override
  public TaskOutcome run(TaskContext context) throws IOException, InterruptedException {
    LintianTask task = (LintianTask) context.task();
    LintianTask.Data d = task.data();
    AttemptArtifacts artifacts = context.artifacts();
    InputArtifactSingle environment = task.input(LintianTask.ENVIRONMENT);
    List<ArtifactInfo> inputs = new ArrayList<>();
    task.optionalInput(LintianTask.SOURCE_ARTIFACT).ifPresent(s -> inputs.add(s.artifact()));
    task.optionalInput(LintianTask.BINARY_ARTIFACTS)
        .map(InputArtifactMultiple::artifacts)
        .ifPresent(inputs::addAll);
    if (inputs.isEmpty()) {
      return TaskOutcome.error(
          "configure-failed", "input.source_artifact or input.binary_artifacts is required");
    }
    Path work = context.workDir();
    try (CommandLog log = new CommandLog(context.logFile(), work)) {
      // what lintian is given: a .dsc, a .changes, or the .debs of binary packages
      Map<String, Path> toCopy = new LinkedHashMap<>();
      List<String> targets = new ArrayList<>();
      Map<String, String> packageFilename = new TreeMap<>();
      for (ArtifactInfo input : inputs) {
        AttemptArtifacts.Downloaded dl =
            artifacts.download(input.id(), work.resolve("in/" + input.id()));
        dl.files().forEach((name, p) -> toCopy.put(p.getFileName().toString(), p));
        String target = target(dl);
        targets.add(target);
        for (String f : dl.files().keySet()) {
          String base = Path.of(f).getFileName().toString();
          if (base.endsWith(".dsc") || base.endsWith(".deb") || base.endsWith(".udeb")) {
            packageFilename.put(base.substring(0, base.indexOf('_')), base);
          }
        }
      }
      String codename =
          Optional.ofNullable(environment.artifact().dataText("codename")).orElse("unstable");
      try (Environments.Session session =
          environments.open(artifacts, environment.artifactId(), task.backend())) {
        Instance instance = session.instance();
        int step = 0;
        for (Command c : installCommands()) {
          ExecResult r = log.in(instance, "install-" + (++step), c);
          if (!r.succeeded()) {
            throw new IOException("installing lintian in the environment failed");
          }
        }
        for (Map.Entry<String, Path> f : toCopy.entrySet()) {
          instance.copyIn(f.getValue(), INPUT_DIR + "/" + f.getKey());
        }
        log.in(instance, "lintian-version", Command.asUser("lintian", "--print-version"));
        ExecResult r =
            log.in(
                instance,
                "lintian",
                new Command(command(d, targets), false, null, Map.of(), INPUT_DIR, false));
        if (r.exitCode() > 1 || r.timedOut() || r.cancelled()) {
          throw new IOException("lintian did not run to its end: exit " + r.exitCode());
        }
      }
      Path output = log.stepFile("lintian");
      String version =
          Files.readString(log.stepFile("lintian-version"), StandardCharsets.UTF_8).strip();
      ObjectNode data = JSON.createObjectNode();
      data.putNull("architecture");
      ObjectNode summary =
          summary(
              Files.readAllLines(output, StandardCharsets.UTF_8),
              packageFilename,
              version,
              d.targetDistribution() != null ? d.targetDistribution() : "debian:" + codename);
      data.set("summary", summary);
      List<Related> relations = new ArrayList<>();
      inputs.forEach(i -> relations.add(new Related(Relation.RELATES_TO, i.id())));
      long id = artifacts.upload("debian:lintian", data, Map.of("lintian.txt", output), relations);
      log.line("uploaded debian:lintian " + id + ": " + summary.path("tags_count_by_severity"));
      return failed(summary, d.failOnSeverity()) ? TaskOutcome.failure() : TaskOutcome.success();
    }
  }

  /** What lintian is run on for an input: its .dsc, its .changes, or its .deb files. */
  private static String target(AttemptArtifacts.Downloaded dl) throws IOException {
    for (String suffix : List.of(".dsc", ".changes", ".deb", ".udeb")) {
      for (String f : dl.files().keySet()) {
        if (f.endsWith(suffix)) {
          return Path.of(f).getFileName().toString();
        }
      }
    }
    throw new IOException("artifact " + dl.id() + " has nothing lintian can check");
  }

  /** Debusine's lintian summary of lintian's output lines. */
  static ObjectNode summary(
      List<String> lines,
      Map<String, String> packageFilename,
      String version,
      String distribution) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    SEVERITIES.values().forEach(s -> counts.put(s, 0));
    TreeSet<String> found = new TreeSet<>();
    TreeSet<String> overridden = new TreeSet<>();
    for (String line : lines) {
      Matcher m = TAG_LINE.matcher(line);
      if (!m.find()) {
        continue;
      }
      String severity = SEVERITIES.get(m.group(1));
      counts.merge(severity, 1, Integer::sum);
      (severity.equals("overridden") ? overridden : found).add(m.group(3));
    }
    ObjectNode s = JSON.createObjectNode();
    ObjectNode c = s.putObject("tags_count_by_severity");
    counts.forEach(c::put);
    ObjectNode files = s.putObject("package_filename");
    packageFilename.forEach(files::put);
    var tags = s.putArray("tags_found");
    found.forEach(tags::add);
    var over = s.putArray("overridden_tags_found");
    overridden.forEach(over::add);
    s.put("lintian_version", version);
    s.put("distribution", distribution);
    return s;
  }

  /** Whether a tag at {@code threshold} or a more severe one was found. */
  static boolean failed(ObjectNode summary, LintianTask.Severity threshold) {
    if (threshold == null || threshold == LintianTask.Severity.NONE) {
      return false;
    }
    String limit = threshold.name().toLowerCase();
    for (String severity : SEVERITIES.values()) {
      if (summary.path("tags_count_by_severity").path(severity).asInt() > 0) {
        return true;
      }
      if (severity.equals(limit)) {
        return false;
      }
    }
    return false;
  }
}

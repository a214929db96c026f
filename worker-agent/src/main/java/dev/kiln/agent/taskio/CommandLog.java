package dev.kiln.agent.taskio;

import dev.kiln.agent.executor.Cancellation;
import dev.kiln.agent.executor.Command;
import dev.kiln.agent.executor.ExecResult;
import dev.kiln.agent.executor.Instance;
import dev.kiln.agent.executor.OutputSink;
import dev.kiln.agent.executor.ProcessRunner;
import dev.kiln.agent.executor.ProcessSpec;
import dev.kiln.agent.executor.TailSink;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The logs of one attempt: the task's own log ({@code <task_name>.log}: what it did, one
 * timestamped line per step and the command lines it ran) and one file per command under {@value
 * #DIR} with everything the command wrote. The agent uploads all of them as the attempt's {@code
 * debusine:work-request-debug-logs} artifact. Thread-safe.
 */
public final class CommandLog implements AutoCloseable {

  /** The directory of the work dir holding one log file per command. */
  public static final String DIR = "debug-logs";

  private static final int TAIL_LINES = 40;

  private final Path dir;
  private final BufferedWriter main;

  /**
   * @param mainLog the task's log file (created or appended to)
   * @param workDir the attempt's work dir; command logs go to {@code workDir/}{@value #DIR}
   */
  public CommandLog(Path mainLog, Path workDir) throws IOException {
    this.dir = workDir.resolve(DIR);
    Files.createDirectories(dir);
    this.main =
        Files.newBufferedWriter(
            mainLog,
            StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
  }

  /** A timestamped line in the task's log. */
  public synchronized void line(String text) throws IOException {
    main.write(Instant.now() + " " + text);
    main.newLine();
    main.flush();
  }

  /**
   * Runs a host command, its output in {@code DIR/<name>.log}; on a failure the output's last lines
   * also go to the task's log.
   */
  public ExecResult host(ProcessRunner runner, String name, ProcessSpec spec)
      throws IOException, InterruptedException {
    line("$ " + shell(spec.argv()));
    try (StepFile step = new StepFile(name)) {
      TailSink tail = new TailSink(TAIL_LINES, step);
      ExecResult r = runner.run(spec, tail, Cancellation.none());
      ended(name, r, tail);
      return r;
    }
  }

  /** Runs a command inside an executor instance, its output in {@code DIR/<name>.log}. */
  public ExecResult in(Instance instance, String name, Command command)
      throws IOException, InterruptedException {
    line(
        "["
            + instance.name()
            + (command.asRoot() ? " as root" : " as the build user")
            + "] $ "
            + shell(command.argv()));
    try (StepFile step = new StepFile(name)) {
      TailSink tail = new TailSink(TAIL_LINES, step);
      ExecResult r = instance.run(command, tail, Cancellation.none());
      ended(name, r, tail);
      return r;
    }
  }

  /** The file a step's output went to. */
  public Path stepFile(String name) {
    return dir.resolve(name + ".log");
  }

  private void ended(String name, ExecResult r, TailSink tail) throws IOException {
    String how =
        r.timedOut() ? "timed out" : r.cancelled() ? "was stopped" : "exited " + r.exitCode();
    line(name + ": " + how);
    if (!r.succeeded()) {
      line(name + ": last lines of its output:\n" + tail.text());
    }
  }

  /** A command line as a shell would show it. */
  public static String shell(List<String> argv) {
    return argv.stream()
        .map(a -> a.matches("[A-Za-z0-9_./:=+,@%^-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" "));
  }

  @Override
  public synchronized void close() throws IOException {
    main.close();
  }

  /** One command's log file, written line by line from the runner's reader threads. */
  private final class StepFile implements OutputSink, AutoCloseable {
    private final BufferedWriter out;

    StepFile(String name) throws IOException {
      if (!name.matches("[A-Za-z0-9_.-]+")) {
        throw new IllegalArgumentException("not a step name: " + name);
      }
      out =
          Files.newBufferedWriter(
              stepFile(name),
              StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.APPEND);
    }

    @Override
    public synchronized void line(Stream stream, String line) {
      try {
        out.write(line);
        out.newLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public synchronized void close() throws IOException {
      out.close();
    }
  }
}

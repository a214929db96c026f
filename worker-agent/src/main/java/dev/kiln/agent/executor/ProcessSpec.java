package dev.kiln.agent.executor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One host command for the {@link ProcessRunner}.
 *
 * @param argv the program and its arguments
 * @param env the whole environment of the command; null to inherit the agent's
 * @param dir the working directory; null for the agent's
 * @param stdinFrom a file fed to its standard input; null for {@code /dev/null}
 * @param stdoutTo a file its standard output is written to (created or truncated); null to send it
 *     line by line to the sink
 * @param timeout how long it may run; null for no limit
 */
public record ProcessSpec(
    List<String> argv,
    Map<String, String> env,
    Path dir,
    Path stdinFrom,
    Path stdoutTo,
    Duration timeout) {

  public ProcessSpec {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    env = env == null ? null : Map.copyOf(env);
  }

  public static ProcessSpec of(List<String> argv) {
    return new ProcessSpec(argv, null, null, null, null, null);
  }

  public static ProcessSpec of(String... argv) {
    return of(List.of(argv));
  }

  public ProcessSpec withEnv(Map<String, String> env) {
    return new ProcessSpec(argv, env, dir, stdinFrom, stdoutTo, timeout);
  }

  public ProcessSpec withStdin(Path from) {
    return new ProcessSpec(argv, env, dir, from, stdoutTo, timeout);
  }

  public ProcessSpec withStdout(Path to) {
    return new ProcessSpec(argv, env, dir, stdinFrom, to, timeout);
  }

  public ProcessSpec withTimeout(Duration timeout) {
    return new ProcessSpec(argv, env, dir, stdinFrom, stdoutTo, timeout);
  }
}

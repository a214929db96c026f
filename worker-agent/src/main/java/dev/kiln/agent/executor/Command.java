package dev.kiln.agent.executor;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command to run inside an {@link Instance}.
 *
 * @param argv the program and its arguments, as seen inside the instance
 * @param asRoot true to run as root, false to run as the non-root build user
 * @param timeout how long it may run; null for no limit
 * @param env environment variables added to the instance's default ones
 * @param cwd the working directory inside the instance; null for the user's home ({@code /} for
 *     root)
 * @param network whether the command may use the network
 */
public record Command(
    List<String> argv,
    boolean asRoot,
    Duration timeout,
    Map<String, String> env,
    String cwd,
    boolean network) {

  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    env = env == null ? Map.of() : Map.copyOf(env);
  }

  /** Runs as the build user, with the network, without a time limit. */
  public static Command asUser(String... argv) {
    return new Command(List.of(argv), false, null, Map.of(), null, true);
  }

  /** Runs as root, with the network, without a time limit. */
  public static Command asRoot(String... argv) {
    return new Command(List.of(argv), true, null, Map.of(), null, true);
  }

  public Command withTimeout(Duration timeout) {
    return new Command(argv, asRoot, timeout, env, cwd, network);
  }

  public Command withEnv(Map<String, String> env) {
    return new Command(argv, asRoot, timeout, env, cwd, network);
  }

  public Command withCwd(String cwd) {
    return new Command(argv, asRoot, timeout, env, cwd, network);
  }

  public Command withoutNetwork() {
    return new Command(argv, asRoot, timeout, env, cwd, false);
  }
}

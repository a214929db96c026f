package dev.kiln.agent.executor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command lines run as root inside a guest (an Incus instance, a QEMU machine) for a {@link
 * Command}: {@code unshare --net} when it must not reach the network, {@code runuser} to become the
 * build user, a clean environment, then the working directory.
 */
final class GuestCommands {

  private GuestCommands() {}

  static List<String> wrap(Command command, BuildUser user) {
    List<String> argv = new ArrayList<>();
    if (!command.network()) {
      argv.addAll(List.of("unshare", "--net", "--"));
    }
    if (!command.asRoot()) {
      argv.addAll(List.of("runuser", "-u", user.name(), "--"));
    }
    argv.add("env");
    argv.add("-i");
    environment(command, user).forEach((k, v) -> argv.add(k + "=" + v));
    String cwd = command.cwd() != null ? command.cwd() : command.asRoot() ? "/" : user.home();
    argv.addAll(List.of("sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "kiln-cwd", cwd));
    argv.addAll(command.argv());
    return argv;
  }

  static Map<String, String> environment(Command command, BuildUser user) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", UnshareExecutor.PATH);
    env.put("LANG", "C.UTF-8");
    env.put("HOME", command.asRoot() ? "/root" : user.home());
    env.put("USER", command.asRoot() ? "root" : user.name());
    env.put("LOGNAME", env.get("USER"));
    env.putAll(command.env());
    return env;
  }

  /** Checks a path inside an instance is absolute. */
  static String absolute(String instancePath) {
    if (!instancePath.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path in the instance: " + instancePath);
    }
    return instancePath;
  }

  /** One string for a remote shell (ssh): each word in single quotes. */
  static String shellLine(List<String> argv) {
    StringBuilder out = new StringBuilder();
    for (String word : argv) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append('\'').append(word.replace("'", "'\\''")).append('\'');
    }
    return out.toString();
  }
}

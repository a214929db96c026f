package dev.kiln.agent.task.debian;

import dev.kiln.agent.executor.Command;
import dev.kiln.agent.executor.ExecResult;
import dev.kiln.agent.executor.Instance;
import dev.kiln.agent.executor.ProcessSpec;
import dev.kiln.agent.taskio.AttemptArtifacts;
import dev.kiln.agent.taskio.CommandLog;
import dev.kiln.agent.taskio.Environments;
import dev.kiln.task.model.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one analysis tool (blhc, debdiff, ...) on files, either on the host (the tool must be
 * installed there) or, when the task names an environment, in an instance of it after installing
 * the tool's packages as root. The tool runs in a directory holding the files, without the network;
 * its output is the step log {@code name}.
 */
final class ToolRun {

  static final String DIR = "/tmp/kiln-tool";

  private ToolRun() {}

  /** The commands, as root, that install packages in a fresh instance and make {@link #DIR}. */
  static List<Command> installCommands(List<String> packages) {
    Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
    List<String> install =
        new ArrayList<>(List.of("apt-get", "-q", "-y", "--no-install-recommends", "install"));
    install.addAll(packages);
    return List.of(
        Command.asRoot("apt-get", "-q", "update").withEnv(env),
        new Command(install, true, null, env, null, true),
        Command.asRoot("mkdir", "-p", "-m", "1777", DIR));
  }

  /**
   * @param environment the environment artifact, or null to run on the host
   * @param files the files the tool reads, by their name in its directory
   */
  static ExecResult run(
      Environments environments,
      AttemptArtifacts artifacts,
      CommandLog log,
      Path work,
      Long environment,
      Backend backend,
      List<String> packages,
      Map<String, Path> files,
      List<String> argv,
      String name)
      throws IOException, InterruptedException {
    if (environment == null) {
      Path dir = Files.createDirectories(work.resolve("tool"));
      for (Map.Entry<String, Path> f : files.entrySet()) {
        Path target = dir.resolve(f.getKey());
        Files.createDirectories(target.getParent());
        Files.copy(f.getValue(), target, StandardCopyOption.REPLACE_EXISTING);
      }
      return log.host(
          environments.host(), name, new ProcessSpec(argv, null, dir, null, null, null));
    }
    try (Environments.Session session = environments.open(artifacts, environment, backend)) {
      Instance instance = session.instance();
      int step = 0;
      for (Command c : installCommands(packages)) {
        if (!log.in(instance, "install-" + (++step), c).succeeded()) {
          throw new IOException("installing " + packages + " in the environment failed");
        }
      }
      java.util.Set<String> dirs = new java.util.TreeSet<>();
      for (String f : files.keySet()) {
        int slash = f.lastIndexOf('/');
        if (slash > 0) {
          dirs.add(DIR + "/" + f.substring(0, slash));
        }
      }
      if (!dirs.isEmpty()) {
        List<String> mkdir = new ArrayList<>(List.of("mkdir", "-p", "-m", "1777"));
        mkdir.addAll(dirs);
        if (!log.in(instance, "mkdir", new Command(mkdir, true, null, Map.of(), null, false))
            .succeeded()) {
          throw new IOException("creating " + dirs + " in the environment failed");
        }
      }
      for (Map.Entry<String, Path> f : files.entrySet()) {
        instance.copyIn(f.getValue(), DIR + "/" + f.getKey());
      }
      return log.in(instance, name, new Command(argv, false, null, Map.of(), DIR, false));
    }
  }
}

package dev.kiln.agent.executor;

import dev.kiln.task.model.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code unshare} backend: a {@code debian:system-tarball} unpacked once into the image cache,
 * copied per instance, and commands run in it with {@code /usr/bin/unshare} — a user namespace
 * (namespace root is the host user, namespace ids 1… are its {@code /etc/subuid} range), a mount
 * namespace with the host's {@code /dev} bound in, a PID namespace with its own {@code /proc},
 * optionally a network namespace (no network at all), then {@code chroot}. Files move in and out as
 * streams through {@code cat} run inside the chroot, so paths resolve inside the instance and
 * ownership never gets in the way.
 *
 * <p>As root the agent must name a {@code hostUser}: every command then runs as that user ({@code
 * setpriv}), because a namespace whose root is the host's root isolates nothing.
 */
public final class UnshareExecutor implements Executor {

  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** Namespace ids 1..this come from the host user's subordinate range. */
  private static final long MAX_MAPPED = 65536;

  private final ProcessRunner runner;
  private final Path instancesDir;
  private final Optional<String> hostUserName;
  private final BuildUser buildUser;
  private volatile HostUser hostUser;

  /**
   * @param instancesDir where instances are unpacked; it and its parents must be traversable by the
   *     host user
   * @param hostUserName when the agent runs as root, the user that runs the namespaces
   */
  public UnshareExecutor(
      ProcessRunner runner, Path instancesDir, Optional<String> hostUserName, BuildUser buildUser) {
    this.runner = runner;
    this.instancesDir = instancesDir;
    this.hostUserName = hostUserName;
    this.buildUser = buildUser;
  }

  @Override
  public Backend backend() {
    return Backend.UNSHARE;
  }

  @Override
  public Availability availability() {
    for (String tool : List.of("unshare", "newuidmap", "newgidmap", "setsid", "chroot", "tar")) {
      if (HostTools.find(tool).isEmpty()) {
        return Availability.no(tool + " is not installed (scripts/setup-worker-host.sh)");
      }
    }
    HostUser user;
    try {
      HostUser current = HostUser.current();
      if (current.isRoot() && hostUserName.isEmpty()) {
        return Availability.no(
            "the agent runs as root: set kiln.agent.executor.unshare.host-user to a non-root user");
      }
      user = hostUser();
    } catch (IOException e) {
      return Availability.no("cannot look up the host user: " + e.getMessage());
    }
    if (user.isRoot()) {
      return Availability.no("the unshare host user must not be root");
    }
    if (user.subUids().isEmpty() || user.subGids().isEmpty()) {
      return Availability.no(
          "user "
              + user.name()
              + " has no /etc/subuid or /etc/subgid range (scripts/setup-worker-host.sh "
              + user.name()
              + ")");
    }
    return Availability.yes();
  }

  private HostUser hostUser() throws IOException {
    HostUser u = hostUser;
    if (u == null) {
      u = hostUserName.isPresent() ? HostUser.named(hostUserName.get()) : HostUser.current();
      hostUser = u;
    }
    return u;
  }

  @Override
  public void prepare(PreparedImage image) throws IOException, InterruptedException {
    handOver(image.dir());
    Path root = image.dir().resolve("root");
    List<String> argv = userNamespace();
    argv.addAll(
        List.of(
            "sh",
            "-c",
            "set -e; rm -rf \"$1.tmp\"; mkdir \"$1.tmp\"; "
                + "tar -x -f \"$2\" -C \"$1.tmp\" --numeric-owner"
                + " --exclude='./dev/*' --exclude='dev/*'; "
                + "mkdir -p \"$1.tmp/proc\" \"$1.tmp/dev\" \"$1.tmp/tmp\"; mv \"$1.tmp\" \"$1\"",
            "kiln-unpack",
            root.toString(),
            image.imageFile().toAbsolutePath().toString()));
    runner.runOrFail(spec(argv), "unpacking " + image);
  }

  @Override
  public void cleanUp(PreparedImage image) throws IOException, InterruptedException {
    // The unpacked tree holds files of the subordinate ids, which only the namespace can remove.
    List<String> argv = userNamespace();
    Path root = image.dir().resolve("root");
    argv.addAll(List.of("rm", "-rf", "--one-file-system", root.toString(), root + ".tmp"));
    runner.runOrFail(spec(argv), "removing " + root);
  }

  @Override
  public Instance create(PreparedImage image) throws IOException, InterruptedException {
    Files.createDirectories(instancesDir);
    handOver(instancesDir);
    Path dir = instancesDir.resolve("unshare-" + image.artifactId() + "-" + UUID.randomUUID());
    List<String> argv = userNamespace();
    argv.addAll(
        List.of(
            "cp", "-a", "--reflink=auto", image.dir().resolve("root").toString(), dir.toString()));
    runner.runOrFail(spec(argv), "creating " + dir);
    return new UnshareInstance(dir);
  }

  /** {@code [setpriv …] unshare --user --map-root-user --map-users=… --map-groups=…}. */
  List<String> userNamespace() throws IOException {
    HostUser user = hostUser();
    HostUser.Range uids =
        user.subUids().orElseThrow(() -> new IOException(user.name() + " has no /etc/subuid"));
    HostUser.Range gids =
        user.subGids().orElseThrow(() -> new IOException(user.name() + " has no /etc/subgid"));
    List<String> argv = new ArrayList<>(prefix(user));
    argv.add(HostTools.require("unshare"));
    argv.add("--user");
    argv.add("--map-root-user");
    argv.add("--map-users=" + uids.start() + ",1," + Math.min(uids.count(), MAX_MAPPED));
    argv.add("--map-groups=" + gids.start() + ",1," + Math.min(gids.count(), MAX_MAPPED));
    return argv;
  }

  private List<String> prefix(HostUser user) throws IOException {
    if (hostUserName.isEmpty() || !HostUser.current().isRoot()) {
      return List.of();
    }
    return List.of(
        HostTools.require("setpriv"),
        "--reuid=" + user.uid(),
        "--regid=" + user.gid(),
        "--init-groups",
        "--");
  }

  /** The command line of {@code command} run inside the instance rooted at {@code root}. */
  List<String> runArgv(Path root, Command command) throws IOException {
    List<String> argv = userNamespace();
    argv.add("--mount");
    argv.add("--pid");
    argv.add("--fork");
    if (!command.network()) {
      argv.add("--net");
    }
    argv.add("--mount-proc=" + root.resolve("proc"));
    argv.addAll(
        List.of(
            "sh",
            "-c",
            // Not exec: this shell stays PID 1 of the namespace, so the command is an ordinary
            // process there and gets the SIGTERM sent to its group (PID 1 ignores signals it has
            // no handler for); when the shell exits, the kernel kills whatever is left inside.
            "r=\"$1\"; shift; mount --rbind /dev \"$r/dev\" || exit 125; chroot \"$@\"; exit $?",
            "kiln-run",
            root.toString()));
    if (!command.asRoot()) {
      argv.add("--userspec=" + buildUser.uid() + ":" + buildUser.uid());
      argv.add("--groups=" + buildUser.uid());
    }
    argv.add(root.toString());
    String cwd = command.cwd() != null ? command.cwd() : command.asRoot() ? "/" : buildUser.home();
    argv.addAll(List.of("/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "kiln-cwd", cwd));
    argv.addAll(command.argv());
    return argv;
  }

  private final class UnshareInstance implements Instance {
    private final Path root;
    private boolean started;
    private boolean destroyed;

    UnshareInstance(Path root) {
      this.root = root;
    }

    @Override
    public String name() {
      return root.getFileName().toString();
    }

    @Override
    public void start() {
      started = true; // nothing runs between commands
    }

    @Override
    public void stop() {
      started = false;
    }

    @Override
    public boolean started() {
      return started;
    }

    @Override
    public void createUser() throws IOException, InterruptedException {
      buildUser.createIn(this);
    }

    @Override
    public void copyIn(Path hostFile, String instancePath)
        throws IOException, InterruptedException {
      String mode =
          Integer.toOctalString(PosixPermissions.mode(Files.getPosixFilePermissions(hostFile)));
      List<String> argv = inChroot();
      argv.addAll(
          List.of(
              "/bin/sh",
              "-c",
              "cat > \"$1\" && chmod \"$2\" \"$1\"",
              "kiln-copy-in",
              GuestCommands.absolute(instancePath),
              mode));
      runner.runOrFail(
          spec(argv).withStdin(hostFile), "copying " + hostFile + " to " + instancePath);
    }

    @Override
    public void copyOut(String instancePath, Path hostFile)
        throws IOException, InterruptedException {
      List<String> argv = inChroot();
      argv.addAll(List.of("cat", GuestCommands.absolute(instancePath)));
      try {
        runner.runOrFail(spec(argv).withStdout(hostFile), "copying " + instancePath + " out");
      } catch (IOException e) {
        Files.deleteIfExists(hostFile);
        throw e;
      }
    }

    private List<String> inChroot() throws IOException {
      List<String> argv = userNamespace();
      argv.addAll(List.of(HostTools.require("chroot"), root.toString()));
      return argv;
    }

    @Override
    public ExecResult run(Command command, OutputSink sink, Cancellation cancel)
        throws IOException, InterruptedException {
      if (destroyed) {
        throw new IllegalStateException("instance " + name() + " is destroyed");
      }
      ProcessSpec spec =
          new ProcessSpec(
              runArgv(root, command),
              GuestCommands.environment(command, buildUser),
              null,
              null,
              null,
              command.timeout());
      return runner.run(spec, sink, cancel);
    }

    @Override
    public void destroy() throws IOException, InterruptedException {
      if (destroyed) {
        return;
      }
      List<String> argv = userNamespace();
      argv.addAll(List.of("rm", "-rf", "--one-file-system", root.toString()));
      runner.runOrFail(spec(argv), "removing " + root);
      destroyed = true;
      started = false;
    }
  }

  private static ProcessSpec spec(List<String> argv) {
    return ProcessSpec.of(argv).withEnv(Map.of("PATH", PATH, "LANG", "C.UTF-8"));
  }

  /** When the agent is root and commands run as the host user, that user must own the dir. */
  private void handOver(Path dir) throws IOException {
    if (hostUserName.isEmpty() || !HostUser.current().isRoot()) {
      return;
    }
    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
    HostUser user = hostUser();
    Files.setOwner(dir, users.lookupPrincipalByName(user.name()));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}

package dev.kiln.agent.executor;

import dev.kiln.task.model.Backend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The {@code incus-lxc} and {@code incus-vm} backends: the environment is imported once into Incus'
 * image store as {@code kiln-image-<artifact id>} (a metadata tarball written here plus the system
 * tarball, or the system image for a VM), each instance is {@code incus init} from it with the
 * configured profile, commands run through {@code incus exec} as root, wrapped by {@link
 * GuestCommands} to become the build user or lose the network, files move with {@code incus file
 * push/pull}, and eviction from the image cache runs {@code incus image delete}.
 */
public final class IncusExecutor implements Executor {

  private final ProcessRunner runner;
  private final boolean vm;
  private final String profile;
  private final BuildUser buildUser;
  private final Duration bootTimeout;

  /**
   * @param vm true for {@code incus-vm}, false for {@code incus-lxc}
   * @param profile the Incus profile instances are made with (network, storage, limits)
   * @param bootTimeout how long a started instance may take until it answers {@code incus exec}
   */
  public IncusExecutor(
      ProcessRunner runner, boolean vm, String profile, BuildUser buildUser, Duration bootTimeout) {
    this.runner = runner;
    this.vm = vm;
    this.profile = profile;
    this.buildUser = buildUser;
    this.bootTimeout = bootTimeout;
  }

  @Override
  public Backend backend() {
    return vm ? Backend.INCUS_VM : Backend.INCUS_LXC;
  }

  @Override
  public Availability availability() {
    if (HostTools.find("incus").isEmpty()) {
      return Availability.no("incus is not installed");
    }
    if (vm && !Files.isWritable(Path.of("/dev/kvm"))) {
      return Availability.no("incus-vm needs a writable /dev/kvm");
    }
    try {
      ExecResult r = host(List.of("incus", "info"), "incus info", false);
      return r.succeeded()
          ? Availability.yes()
          : Availability.no("the Incus daemon does not answer");
    } catch (IOException e) {
      return Availability.no("incus info failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Availability.no("interrupted");
    }
  }

  @Override
  public void prepare(PreparedImage image) throws IOException, InterruptedException {
    Path metadata = image.dir().resolve("metadata.yaml");
    Files.writeString(metadata, metadataYaml(image, Instant.now()), StandardCharsets.UTF_8);
    host(metadataTarArgv(image), "packing the Incus metadata of " + image, true);
    // An earlier, interrupted preparation may have left the alias behind.
    host(deleteImageArgv(image), "incus image delete", false);
    host(importArgv(image), "importing " + image + " into Incus", true);
  }

  @Override
  public void cleanUp(PreparedImage image) throws IOException, InterruptedException {
    ExecResult r = host(deleteImageArgv(image), "incus image delete", false);
    if (!r.succeeded()
        && host(List.of("incus", "image", "info", image.storeName()), "incus image info", false)
            .succeeded()) {
      throw new IOException("incus image delete " + image.storeName() + " failed");
    }
  }

  @Override
  public Instance create(PreparedImage image) throws IOException, InterruptedException {
    String name = "kiln-" + image.artifactId() + "-" + UUID.randomUUID().toString().substring(0, 8);
    host(initArgv(image, name), "incus init " + name, true);
    return new IncusInstance(name);
  }

  String metadataYaml(PreparedImage image, Instant now) {
    return "architecture: "
        + Architectures.kernel(image.architecture())
        + "\ncreation_date: "
        + now.getEpochSecond()
        + "\nproperties:\n  description: Kiln environment artifact "
        + image.artifactId()
        + "\n  os: debian\n";
  }

  List<String> metadataTarArgv(PreparedImage image) {
    return List.of(
        "tar",
        "-C",
        image.dir().toString(),
        "-cJf",
        image.dir().resolve("metadata.tar.xz").toString(),
        "metadata.yaml");
  }

  List<String> importArgv(PreparedImage image) {
    return List.of(
        "incus",
        "image",
        "import",
        image.dir().resolve("metadata.tar.xz").toString(),
        image.imageFile().toAbsolutePath().toString(),
        "--alias",
        image.storeName());
  }

  List<String> deleteImageArgv(PreparedImage image) {
    return List.of("incus", "image", "delete", image.storeName());
  }

  List<String> initArgv(PreparedImage image, String name) {
    List<String> argv =
        new ArrayList<>(List.of("incus", "init", image.storeName(), name, "--profile", profile));
    if (vm) {
      argv.add("--vm");
    }
    return argv;
  }

  List<String> execArgv(String name, Command command) {
    List<String> argv = new ArrayList<>(List.of("incus", "exec", name, "--"));
    argv.addAll(GuestCommands.wrap(command, buildUser));
    return argv;
  }

  List<String> pushArgv(String name, Path hostFile, String instancePath, int mode) {
    return List.of(
        "incus",
        "file",
        "push",
        "--uid",
        "0",
        "--gid",
        "0",
        "--mode",
        String.format(Locale.ROOT, "%04o", mode),
        hostFile.toString(),
        name + instancePath);
  }

  List<String> pullArgv(String name, String instancePath, Path hostFile) {
    return List.of("incus", "file", "pull", name + instancePath, hostFile.toString());
  }

  private final class IncusInstance implements Instance {
    private final String name;
    private boolean started;
    private boolean destroyed;

    IncusInstance(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void start() throws IOException, InterruptedException {
      host(List.of("incus", "start", name), "incus start " + name, true);
      // A VM answers exec only once its agent runs; a container almost at once.
      long until = System.nanoTime() + bootTimeout.toNanos();
      while (!host(execArgv(name, Command.asRoot("true")), "incus exec true", false).succeeded()) {
        if (System.nanoTime() - until > 0) {
          throw new IOException(name + " did not answer incus exec within " + bootTimeout);
        }
        Thread.sleep(1000);
      }
      started = true;
    }

    @Override
    public void stop() throws IOException, InterruptedException {
      host(List.of("incus", "stop", name, "--force"), "incus stop " + name, true);
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
      int mode = PosixPermissions.mode(Files.getPosixFilePermissions(hostFile));
      host(
          pushArgv(name, hostFile, GuestCommands.absolute(instancePath), mode),
          "incus file push",
          true);
    }

    @Override
    public void copyOut(String instancePath, Path hostFile)
        throws IOException, InterruptedException {
      host(pullArgv(name, GuestCommands.absolute(instancePath), hostFile), "incus file pull", true);
    }

    @Override
    public ExecResult run(Command command, OutputSink sink, Cancellation cancel)
        throws IOException, InterruptedException {
      // incus exec forwards the SIGTERM it gets to the command inside.
      return runner.run(
          ProcessSpec.of(execArgv(name, command)).withTimeout(command.timeout()), sink, cancel);
    }

    @Override
    public void destroy() throws IOException, InterruptedException {
      if (!destroyed) {
        host(List.of("incus", "delete", "--force", name), "incus delete " + name, true);
        destroyed = true;
        started = false;
      }
    }
  }

  private ExecResult host(List<String> argv, String what, boolean mustSucceed)
      throws IOException, InterruptedException {
    ProcessSpec spec = ProcessSpec.of(argv).withTimeout(Duration.ofMinutes(30));
    return mustSucceed
        ? runner.runOrFail(spec, what)
        : runner.run(spec, OutputSink.NONE, Cancellation.none());
  }
}

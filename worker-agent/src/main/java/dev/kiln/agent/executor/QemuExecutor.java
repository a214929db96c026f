package dev.kiln.agent.executor;

import dev.kiln.task.model.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The {@code qemu} backend: the system image becomes {@code base.qcow2} in the image cache once
 * (linked when it is qcow2 already, else converted); each instance is a qcow2 overlay over it,
 * booted with {@code qemu-system-<arch>} and user networking that forwards a free local port to the
 * guest's SSH. Commands, as root wrapped by {@link GuestCommands}, and files go over {@code
 * ssh}/{@code scp} with the configured key; the image must let that key in as root. KVM is used
 * only when configured and {@code /dev/kvm} is writable (nested KVM hangs on some hosts, so it is
 * off by default).
 */
public final class QemuExecutor implements Executor {

  private static final Logger LOG = Logger.getLogger(QemuExecutor.class);
  private static final byte[] QCOW2_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};

  /**
   * How the machines are made.
   *
   * @param hostArchitecture the host's Debian architecture (which {@code qemu-system-*} to look
   *     for)
   * @param kvm whether to use KVM when {@code /dev/kvm} is writable
   * @param memoryMiB the guest's memory
   * @param cpus the guest's CPUs
   * @param sshKey the private key the guest accepts for root
   * @param bootTimeout how long a guest may take until SSH answers
   */
  public record Settings(
      String hostArchitecture,
      boolean kvm,
      int memoryMiB,
      int cpus,
      Path sshKey,
      Duration bootTimeout) {}

  private final ProcessRunner runner;
  private final Path instancesDir;
  private final Settings settings;
  private final BuildUser buildUser;

  public QemuExecutor(
      ProcessRunner runner, Path instancesDir, Settings settings, BuildUser buildUser) {
    this.runner = runner;
    this.instancesDir = instancesDir;
    this.settings = settings;
    this.buildUser = buildUser;
  }

  @Override
  public Backend backend() {
    return Backend.QEMU;
  }

  @Override
  public Availability availability() {
    String system = "qemu-system-" + Architectures.qemu(settings.hostArchitecture());
    for (String tool : List.of(system, "qemu-img", "ssh", "scp")) {
      if (HostTools.find(tool).isEmpty()) {
        return Availability.no(tool + " is not installed");
      }
    }
    if (settings.sshKey() == null || !Files.isReadable(settings.sshKey())) {
      return Availability.no("no readable SSH key for the guests is configured");
    }
    return Availability.yes();
  }

  /** Whether machines get {@code -enable-kvm}. */
  boolean useKvm() {
    return settings.kvm() && Files.isWritable(Path.of("/dev/kvm"));
  }

  @Override
  public void prepare(PreparedImage image) throws IOException, InterruptedException {
    Path base = image.dir().resolve("base.qcow2");
    Files.deleteIfExists(base);
    if (isQcow2(image.imageFile())) {
      Files.createSymbolicLink(base, image.imageFile().toAbsolutePath());
    } else {
      host(convertArgv(image.imageFile(), base), "converting " + image + " to qcow2");
    }
  }

  @Override
  public void cleanUp(PreparedImage image) {
    // Everything lives in the image's directory, which the cache removes.
  }

  @Override
  public Instance create(PreparedImage image) throws IOException, InterruptedException {
    Path dir = instancesDir.resolve("qemu-" + image.artifactId() + "-" + UUID.randomUUID());
    Files.createDirectories(dir);
    Path overlay = dir.resolve("overlay.qcow2");
    host(overlayArgv(image.dir().resolve("base.qcow2"), overlay), "creating " + overlay);
    return new QemuInstance(dir, image.architecture());
  }

  static List<String> convertArgv(Path from, Path to) {
    return List.of("qemu-img", "convert", "-O", "qcow2", from.toString(), to.toString());
  }

  static List<String> overlayArgv(Path base, Path overlay) {
    return List.of(
        "qemu-img",
        "create",
        "-f",
        "qcow2",
        "-F",
        "qcow2",
        "-b",
        base.toAbsolutePath().toString(),
        overlay.toString());
  }

  List<String> machineArgv(String name, String architecture, Path overlay, int sshPort) {
    String arch = Architectures.qemu(architecture);
    List<String> argv = new ArrayList<>();
    argv.add("qemu-system-" + arch);
    argv.addAll(List.of("-name", name));
    switch (arch) {
      case "x86_64", "i386" -> argv.addAll(List.of("-machine", "q35"));
      case "aarch64", "arm", "riscv64" -> argv.addAll(List.of("-machine", "virt"));
      default -> {}
    }
    if (useKvm() && Architectures.qemu(settings.hostArchitecture()).equals(arch)) {
      argv.addAll(List.of("-enable-kvm", "-cpu", "host"));
    } else if (!arch.equals("x86_64") && !arch.equals("i386")) {
      argv.addAll(List.of("-cpu", "max"));
    }
    argv.addAll(
        List.of(
            "-m",
            Integer.toString(settings.memoryMiB()),
            "-smp",
            Integer.toString(settings.cpus()),
            "-display",
            "none",
            "-serial",
            "file:" + overlay.resolveSibling("console.log"),
            "-monitor",
            "none",
            "-drive",
            "file=" + overlay + ",if=virtio,format=qcow2,cache=unsafe",
            "-netdev",
            "user,id=net0,hostfwd=tcp:127.0.0.1:" + sshPort + "-:22",
            "-device",
            "virtio-net-pci,netdev=net0"));
    return argv;
  }

  List<String> sshArgv(int port, Command command) {
    List<String> argv = sshBase("ssh", "-p", port);
    argv.add("root@127.0.0.1");
    argv.add("--");
    argv.add(GuestCommands.shellLine(GuestCommands.wrap(command, buildUser)));
    return argv;
  }

  List<String> scpInArgv(int port, Path hostFile, String instancePath) {
    List<String> argv = sshBase("scp", "-P", port);
    argv.add("-p");
    argv.add(hostFile.toString());
    argv.add("root@127.0.0.1:" + instancePath);
    return argv;
  }

  List<String> scpOutArgv(int port, String instancePath, Path hostFile) {
    List<String> argv = sshBase("scp", "-P", port);
    argv.add("root@127.0.0.1:" + instancePath);
    argv.add(hostFile.toString());
    return argv;
  }

  private List<String> sshBase(String program, String portFlag, int port) {
    return new ArrayList<>(
        List.of(
            program,
            portFlag,
            Integer.toString(port),
            "-i",
            String.valueOf(settings.sshKey()),
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "ConnectTimeout=10",
            "-o",
            "LogLevel=ERROR"));
  }

  private final class QemuInstance implements Instance {
    private final Path dir;
    private final String architecture;
    private ProcessRunner.Running machine;
    private int port;
    private boolean destroyed;

    QemuInstance(Path dir, String architecture) {
      this.dir = dir;
      this.architecture = architecture;
    }

    @Override
    public String name() {
      return dir.getFileName().toString();
    }

    @Override
    public void start() throws IOException, InterruptedException {
      if (machine != null && machine.alive()) {
        return;
      }
      port = freePort();
      machine =
          runner.start(
              ProcessSpec.of(machineArgv(name(), architecture, dir.resolve("overlay.qcow2"), port)),
              (s, l) -> LOG.debugf("%s: %s", name(), l));
      long until = System.nanoTime() + settings.bootTimeout().toNanos();
      while (!quiet(sshArgv(port, Command.asRoot("true")))) {
        if (!machine.alive()) {
          throw new IOException(name() + ": qemu exited while booting (see console.log)");
        }
        if (System.nanoTime() - until > 0) {
          stop();
          throw new IOException(name() + " did not answer SSH within " + settings.bootTimeout());
        }
        Thread.sleep(2000);
      }
    }

    @Override
    public void stop() throws IOException, InterruptedException {
      if (machine != null) {
        // SIGTERM makes QEMU close its disks cleanly; the guest's own state is throwaway.
        machine.stop();
        machine = null;
      }
    }

    @Override
    public boolean started() {
      return machine != null && machine.alive();
    }

    @Override
    public void createUser() throws IOException, InterruptedException {
      buildUser.createIn(this);
    }

    @Override
    public void copyIn(Path hostFile, String instancePath)
        throws IOException, InterruptedException {
      host(scpInArgv(port, hostFile, GuestCommands.absolute(instancePath)), "scp to " + name());
    }

    @Override
    public void copyOut(String instancePath, Path hostFile)
        throws IOException, InterruptedException {
      host(scpOutArgv(port, GuestCommands.absolute(instancePath), hostFile), "scp from " + name());
    }

    @Override
    public ExecResult run(Command command, OutputSink sink, Cancellation cancel)
        throws IOException, InterruptedException {
      if (!started()) {
        throw new IllegalStateException(name() + " is not started");
      }
      return runner.run(
          ProcessSpec.of(sshArgv(port, command)).withTimeout(command.timeout()), sink, cancel);
    }

    @Override
    public void destroy() throws IOException, InterruptedException {
      if (destroyed) {
        return;
      }
      stop();
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
      destroyed = true;
    }
  }

  private boolean quiet(List<String> argv) throws IOException, InterruptedException {
    return runner
        .run(
            ProcessSpec.of(argv).withTimeout(Duration.ofSeconds(30)),
            OutputSink.NONE,
            Cancellation.none())
        .succeeded();
  }

  private void host(List<String> argv, String what) throws IOException, InterruptedException {
    runner.runOrFail(ProcessSpec.of(argv), what);
  }

  static boolean isQcow2(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(4), QCOW2_MAGIC);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}

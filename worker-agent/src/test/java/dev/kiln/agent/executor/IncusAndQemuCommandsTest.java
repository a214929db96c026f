package dev.kiln.agent.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.task.model.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command lines of the incus-lxc, incus-vm and qemu backends, and their availability. */
class IncusAndQemuCommandsTest {

  @TempDir Path dir;
  final ProcessRunner runner = new ProcessRunner(Duration.ofSeconds(1));
  final BuildUser user = BuildUser.DEFAULT;

  PreparedImage image(Backend backend, String file) {
    return new PreparedImage(42, backend, dir.resolve("img"), dir.resolve(file), "arm64");
  }

  @Test
  void incusImportsTheTarballWithGeneratedMetadataUnderTheArtifactsAlias() {
    IncusExecutor lxc = new IncusExecutor(runner, false, "kiln", user, Duration.ofMinutes(1));
    PreparedImage image = image(Backend.INCUS_LXC, "system.tar.xz");
    assertEquals(
        List.of(
            "incus",
            "image",
            "import",
            dir.resolve("img/metadata.tar.xz").toString(),
            dir.resolve("system.tar.xz").toString(),
            "--alias",
            "kiln-image-42"),
        lxc.importArgv(image));
    assertEquals(
        "architecture: aarch64\ncreation_date: 1700000000\nproperties:\n"
            + "  description: Kiln environment artifact 42\n  os: debian\n",
        lxc.metadataYaml(image, Instant.ofEpochSecond(1_700_000_000)));
    assertEquals(List.of("incus", "image", "delete", "kiln-image-42"), lxc.deleteImageArgv(image));
  }

  @Test
  void incusLxcAndVmInstancesComeFromTheAliasWithTheProfile() {
    PreparedImage image = image(Backend.INCUS_LXC, "system.tar.xz");
    assertEquals(
        List.of("incus", "init", "kiln-image-42", "kiln-42-x", "--profile", "kiln"),
        new IncusExecutor(runner, false, "kiln", user, Duration.ofMinutes(1))
            .initArgv(image, "kiln-42-x"));
    assertEquals(
        List.of("incus", "init", "kiln-image-42", "kiln-42-x", "--profile", "builders", "--vm"),
        new IncusExecutor(runner, true, "builders", user, Duration.ofMinutes(1))
            .initArgv(image, "kiln-42-x"));
  }

  @Test
  void incusExecBecomesTheBuildUserInACleanEnvironmentAndCanDropTheNetwork() {
    IncusExecutor lxc = new IncusExecutor(runner, false, "kiln", user, Duration.ofMinutes(1));
    Command build =
        Command.asUser("dpkg-buildpackage", "-us")
            .withEnv(Map.of("DEB_BUILD_OPTIONS", "nocheck"))
            .withCwd("/build/src")
            .withoutNetwork();
    assertEquals(
        List.of(
            "incus",
            "exec",
            "kiln-1",
            "--",
            "unshare",
            "--net",
            "--",
            "runuser",
            "-u",
            "_kiln",
            "--",
            "env",
            "-i",
            "PATH=" + UnshareExecutor.PATH,
            "LANG=C.UTF-8",
            "HOME=/home/_kiln",
            "USER=_kiln",
            "LOGNAME=_kiln",
            "DEB_BUILD_OPTIONS=nocheck",
            "sh",
            "-c",
            "cd \"$1\" && shift && exec \"$@\"",
            "kiln-cwd",
            "/build/src",
            "dpkg-buildpackage",
            "-us"),
        lxc.execArgv("kiln-1", build));
    assertEquals(
        List.of(
            "incus",
            "exec",
            "kiln-1",
            "--",
            "env",
            "-i",
            "PATH=" + UnshareExecutor.PATH,
            "LANG=C.UTF-8",
            "HOME=/root",
            "USER=root",
            "LOGNAME=root",
            "sh",
            "-c",
            "cd \"$1\" && shift && exec \"$@\"",
            "kiln-cwd",
            "/",
            "apt-get",
            "update"),
        lxc.execArgv("kiln-1", Command.asRoot("apt-get", "update")));
  }

  @Test
  void incusFilesArePushedAsRootWithTheHostModeAndPulled() {
    IncusExecutor lxc = new IncusExecutor(runner, false, "kiln", user, Duration.ofMinutes(1));
    assertEquals(
        List.of(
            "incus",
            "file",
            "push",
            "--uid",
            "0",
            "--gid",
            "0",
            "--mode",
            "0755",
            "/h/run.sh",
            "kiln-1/usr/local/bin/run.sh"),
        lxc.pushArgv("kiln-1", Path.of("/h/run.sh"), "/usr/local/bin/run.sh", 0755));
    assertEquals(
        List.of("incus", "file", "pull", "kiln-1/build/out.deb", "/h/out.deb"),
        lxc.pullArgv("kiln-1", "/build/out.deb", Path.of("/h/out.deb")));
  }

  @Test
  void qemuBootsAnOverlayWithoutKvmByDefault() {
    QemuExecutor qemu =
        new QemuExecutor(
            runner,
            dir,
            new QemuExecutor.Settings(
                "amd64", false, 2048, 2, Path.of("/k/id_ed25519"), Duration.ofMinutes(5)),
            user);
    assertFalse(qemu.useKvm());
    assertEquals(
        List.of(
            "qemu-img",
            "create",
            "-f",
            "qcow2",
            "-F",
            "qcow2",
            "-b",
            "/c/42/base.qcow2",
            "/i/overlay.qcow2"),
        QemuExecutor.overlayArgv(Path.of("/c/42/base.qcow2"), Path.of("/i/overlay.qcow2")));
    assertEquals(
        List.of(
            "qemu-system-x86_64",
            "-name",
            "vm1",
            "-machine",
            "q35",
            "-m",
            "2048",
            "-smp",
            "2",
            "-display",
            "none",
            "-serial",
            "file:/i/console.log",
            "-monitor",
            "none",
            "-drive",
            "file=/i/overlay.qcow2,if=virtio,format=qcow2,cache=unsafe",
            "-netdev",
            "user,id=net0,hostfwd=tcp:127.0.0.1:40022-:22",
            "-device",
            "virtio-net-pci,netdev=net0"),
        qemu.machineArgv("vm1", "amd64", Path.of("/i/overlay.qcow2"), 40022));
    List<String> arm = qemu.machineArgv("vm1", "arm64", Path.of("/i/overlay.qcow2"), 40022);
    assertEquals(
        List.of("qemu-system-aarch64", "-name", "vm1", "-machine", "virt", "-cpu", "max"),
        arm.subList(0, 7));
  }

  @Test
  void qemuUsesKvmOnlyWhenConfiguredAndDevKvmIsWritable() {
    QemuExecutor qemu =
        new QemuExecutor(
            runner,
            dir,
            new QemuExecutor.Settings(
                "amd64", true, 1024, 1, Path.of("/k/key"), Duration.ofMinutes(5)),
            user);
    boolean writable = Files.isWritable(Path.of("/dev/kvm"));
    assertEquals(writable, qemu.useKvm());
    List<String> argv = qemu.machineArgv("vm1", "amd64", Path.of("/i/o.qcow2"), 1);
    assertEquals(writable, argv.contains("-enable-kvm"));
    assertFalse(
        qemu.machineArgv("vm1", "arm64", Path.of("/i/o.qcow2"), 1).contains("-enable-kvm"),
        "no KVM for a foreign architecture");
  }

  @Test
  void qemuRunsCommandsAndCopiesFilesOverSshWithTheKey() {
    QemuExecutor qemu =
        new QemuExecutor(
            runner,
            dir,
            new QemuExecutor.Settings(
                "amd64", false, 1024, 1, Path.of("/k/key"), Duration.ofMinutes(5)),
            user);
    List<String> ssh = qemu.sshArgv(40022, Command.asUser("echo", "it's"));
    assertEquals(List.of("ssh", "-p", "40022", "-i", "/k/key"), ssh.subList(0, 5));
    assertTrue(ssh.containsAll(List.of("BatchMode=yes", "StrictHostKeyChecking=no")));
    assertEquals("root@127.0.0.1", ssh.get(ssh.size() - 3));
    assertEquals(
        "'runuser' '-u' '_kiln' '--' 'env' '-i' 'PATH="
            + UnshareExecutor.PATH
            + "' "
            + "'LANG=C.UTF-8' 'HOME=/home/_kiln' 'USER=_kiln' 'LOGNAME=_kiln' 'sh' '-c' "
            + "'cd \"$1\" && shift && exec \"$@\"' 'kiln-cwd' '/home/_kiln' 'echo' 'it'\\''s'",
        ssh.get(ssh.size() - 1));
    List<String> in = qemu.scpInArgv(40022, Path.of("/h/a"), "/tmp/a");
    assertEquals(List.of("scp", "-P", "40022"), in.subList(0, 3));
    assertEquals(
        List.of("-p", "/h/a", "root@127.0.0.1:/tmp/a"), in.subList(in.size() - 3, in.size()));
    List<String> out = qemu.scpOutArgv(40022, "/tmp/b", Path.of("/h/b"));
    assertEquals(List.of("root@127.0.0.1:/tmp/b", "/h/b"), out.subList(out.size() - 2, out.size()));
  }

  @Test
  void qemuRecognisesQcow2ByItsMagic() throws Exception {
    assertTrue(
        QemuExecutor.isQcow2(
            Files.write(dir.resolve("a.qcow2"), new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0})));
    assertFalse(QemuExecutor.isQcow2(Files.write(dir.resolve("a.img"), new byte[512])));
  }

  @Test
  void backendsWithoutTheirBinariesReportThemselvesUnavailable() {
    // None of incus and qemu is installed on the build machines; where they are, this says so.
    IncusExecutor lxc = new IncusExecutor(runner, false, "kiln", user, Duration.ofMinutes(1));
    if (HostTools.find("incus").isEmpty()) {
      Availability a = lxc.availability();
      assertFalse(a.available());
      assertEquals("incus is not installed", a.reason());
    }
    QemuExecutor qemu =
        new QemuExecutor(
            runner,
            dir,
            new QemuExecutor.Settings(
                "amd64", false, 1024, 1, Path.of("/k/key"), Duration.ofMinutes(5)),
            user);
    if (HostTools.find("qemu-system-x86_64").isEmpty()) {
      assertEquals(Availability.no("qemu-system-x86_64 is not installed"), qemu.availability());
    } else {
      assertEquals(
          Availability.no("no readable SSH key for the guests is configured"), qemu.availability());
    }
  }
}

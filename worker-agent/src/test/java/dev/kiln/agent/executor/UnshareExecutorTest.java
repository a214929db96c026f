package dev.kiln.agent.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.agent.core.ArtifactDownloader;
import dev.kiln.agent.image.ArtifactImageSource;
import dev.kiln.agent.image.ImageCache;
import dev.kiln.agent.testing.Await;
import dev.kiln.agent.testing.FakeArtifactService;
import dev.kiln.task.model.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The unshare backend for real, as a non-root user with a subordinate id range, over a tiny rootfs
 * tarball made here from busybox-static (no network needed). Prerequisites: {@code sudo
 * scripts/setup-worker-host.sh} (uidmap, busybox-static, the {@code kiln-agent} user with its
 * {@code /etc/subuid} and {@code /etc/subgid} ranges). Run as root, the test drives the backend
 * through that user ({@code kiln.agent.executor.unshare.host-user}), and is skipped — the one case
 * that is — when no such user exists.
 */
class UnshareExecutorTest {

  static final String SETUP = "sudo scripts/setup-worker-host.sh";
  static Path base;
  static UnshareExecutor executor;
  static PreparedImage image;
  static FakeArtifactService artifacts;
  static ImageCache cache;
  static ImageCache.CachedImage lease;

  @BeforeAll
  static void prepareImage() throws Exception {
    HostUser current = HostUser.current();
    Optional<String> hostUser = Optional.empty();
    if (current.isRoot()) {
      String name = System.getProperty("kiln.test.unshare-user", "kiln-agent");
      HostUser user;
      try {
        user = HostUser.named(name);
      } catch (IOException e) {
        user = null;
      }
      Assumptions.assumeTrue(
          user != null && user.subUids().isPresent() && user.subGids().isPresent(),
          "running as root without a non-root user '"
              + name
              + "' that has /etc/subuid and /etc/subgid ranges: run "
              + SETUP
              + " "
              + name);
      hostUser = Optional.of(name);
    }
    Optional<String> busybox = HostTools.find("busybox");
    if (busybox.isEmpty() || !isStatic(Path.of(busybox.get()))) {
      fail("a static busybox is needed to build the test rootfs: run " + SETUP);
    }
    base = Files.createTempDirectory("kiln-unshare-it");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessRunner runner = new ProcessRunner(Duration.ofSeconds(2));
    executor = new UnshareExecutor(runner, base.resolve("instances"), hostUser, BuildUser.DEFAULT);
    Availability availability = executor.availability();
    if (!availability.available()) {
      fail("the unshare backend is not available: " + availability.reason() + "; run " + SETUP);
    }
    Path tarball = tinyRootfs(runner, Path.of(busybox.get()));
    // Through the image cache, as a task gets it: downloaded from the artifact service, verified,
    // unpacked once by the backend.
    artifacts = new FakeArtifactService();
    serve(1, tarball);
    serve(2, tarball);
    cache =
        new ImageCache(
            base.resolve("cache"),
            1,
            new ArtifactImageSource(new ArtifactDownloader(artifacts.url())),
            List.of(executor),
            System::currentTimeMillis);
    lease = cache.get(1, Backend.UNSHARE, "kwr1.test");
    image = lease.image();
  }

  static void serve(long id, Path tarball) throws IOException {
    byte[] bytes = Files.readAllBytes(tarball);
    ObjectNode a =
        new ObjectMapper()
            .createObjectNode()
            .put("id", id)
            .put("category", "debian:system-tarball");
    a.putObject("data").put("architecture", "amd64");
    a.putObject("files")
        .putObject("rootfs.tar.zst")
        .put("size", bytes.length)
        .put("sha256", FakeArtifactService.sha256(bytes));
    artifacts.served.put(id, new FakeArtifactService.Served(a, Map.of("rootfs.tar.zst", bytes)));
  }

  @AfterAll
  static void cleanUp() throws Exception {
    try {
      if (lease != null) {
        lease.close();
        Path unpacked = image.dir().resolve("root");
        assertTrue(Files.isDirectory(unpacked.resolve("bin")));
        // The limit is 1: using another image evicts this one, unpacked tree and all.
        cache.get(2, Backend.UNSHARE, "kwr1.test").close();
        assertFalse(Files.exists(unpacked), "eviction removes the unpacked tree");
        assertEquals(List.of(2L), cache.cached());
        try (ImageCache.CachedImage last = cache.get(2, Backend.UNSHARE, "kwr1.test")) {
          executor.cleanUp(last.image()); // its tree holds files only the namespace can remove
        }
      }
    } finally {
      if (artifacts != null) {
        artifacts.close();
      }
      if (base != null) {
        try (Stream<Path> paths = Files.walk(base)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Test
  void runsAsRootAndAsTheBuildUserInItsOwnPidNamespace() throws Exception {
    try (Instance instance = started()) {
      assertEquals("uid=0(root) gid=0(root) groups=0(root)", out(instance, Command.asRoot("id")));
      assertEquals(
          "uid=1000(_kiln) gid=1000(_kiln) groups=1000(_kiln)",
          out(instance, Command.asUser("id")));
      assertEquals("/home/_kiln", out(instance, Command.asUser("pwd")));
      assertTrue(
          out(instance, Command.asUser("sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline"))
              .contains("kiln-run"),
          "PID 1 is the backend's shell: a PID namespace of its own");
      ExecResult failed =
          instance.run(Command.asUser("sh", "-c", "exit 4"), OutputSink.NONE, Cancellation.none());
      assertEquals(4, failed.exitCode());
    }
  }

  @Test
  void filesGoInAndComeOutAndTheUserCannotWriteOutsideItsHome() throws Exception {
    Path in = Files.writeString(base.resolve("in.sh"), "#!/bin/sh\ntr a-z A-Z < /tmp/data.txt\n");
    Files.setPosixFilePermissions(in, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = Files.writeString(base.resolve("data.txt"), "hello from the host\n");
    Path out = base.resolve("out.txt");
    try (Instance instance = started()) {
      instance.copyIn(in, "/usr/local/upper.sh");
      instance.copyIn(data, "/tmp/data.txt");
      assertTrue(
          instance
              .run(
                  Command.asUser("sh", "-c", "/usr/local/upper.sh > /home/_kiln/out.txt"),
                  OutputSink.NONE,
                  Cancellation.none())
              .succeeded());
      instance.copyOut("/home/_kiln/out.txt", out);
      assertEquals("HELLO FROM THE HOST\n", Files.readString(out));
      assertEquals(
          "1000", out(instance, Command.asUser("stat", "-c", "%u", "/home/_kiln/out.txt")));
      ExecResult denied =
          instance.run(
              Command.asUser("sh", "-c", "echo x > /etc/owned"),
              OutputSink.NONE,
              Cancellation.none());
      assertFalse(denied.succeeded(), "the build user is not root");
    }
  }

  @Test
  void withoutNetworkOnlyLoopbackIsThere() throws Exception {
    try (Instance instance = started()) {
      List<String> isolated =
          interfaces(out(instance, Command.asUser("cat", "/proc/net/dev").withoutNetwork()));
      assertEquals(List.of("lo"), isolated);
      List<String> shared = interfaces(out(instance, Command.asUser("cat", "/proc/net/dev")));
      assertTrue(shared.size() > 1, () -> "the host's interfaces: " + shared);
    }
  }

  @Test
  void aCancelledCommandGetsSigtermAndTheInstanceIsRemoved() throws Exception {
    Instance instance = started();
    Cancellation cancel = new Cancellation();
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<ExecResult> running =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return instance.run(
                    Command.asUser(
                        "sh",
                        "-c",
                        "trap 'echo got TERM; exit 5' TERM; echo ready;"
                            + " while :; do sleep 0.1; done"),
                    (s, l) -> lines.add(l),
                    cancel);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Await.until("started", () -> lines.contains("ready"));
    cancel.cancel();
    ExecResult r = running.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(r.cancelled());
    assertTrue(lines.contains("got TERM"), () -> "SIGTERM reaches the command: " + lines);
    Path root = base.resolve("instances").resolve(instance.name());
    assertTrue(Files.isDirectory(root));
    instance.destroy();
    assertFalse(Files.exists(root), "destroy removes the instance's tree");
  }

  private static Instance started() throws Exception {
    Instance instance = executor.create(image);
    instance.start();
    instance.createUser();
    return instance;
  }

  private static String out(Instance instance, Command command) throws Exception {
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    ExecResult r =
        instance.run(
            command,
            (stream, line) ->
                (stream == OutputSink.Stream.STDOUT ? out : err).append(line).append('\n'),
            Cancellation.none());
    assertTrue(r.succeeded(), () -> command.argv() + " failed: " + r + " " + err);
    return out.toString().strip();
  }

  private static List<String> interfaces(String procNetDev) {
    return procNetDev.lines().skip(2).map(l -> l.strip().split(":")[0]).toList();
  }

  /** A statically linked ELF has no program interpreter (no PT_INTERP, no "/lib…ld-linux"). */
  private static boolean isStatic(Path elf) throws IOException {
    byte[] head = new byte[4096];
    try (var in = Files.newInputStream(elf)) {
      int n = in.readNBytes(head, 0, head.length);
      return !new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).contains("/ld-");
    }
  }

  /** busybox-static, its applets, /etc/passwd and /etc/group, as a zstd tarball. */
  private static Path tinyRootfs(ProcessRunner runner, Path busybox) throws Exception {
    Path tree = Files.createDirectories(base.resolve("rootfs"));
    for (String d : List.of("bin", "etc", "dev", "proc", "tmp", "root", "home", "usr/local")) {
      Files.createDirectories(tree.resolve(d));
    }
    Files.setPosixFilePermissions(
        tree.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.copy(busybox, tree.resolve("bin/busybox"));
    for (String applet :
        List.of(
            "sh", "id", "cat", "tr", "pwd", "stat", "sleep", "grep", "mkdir", "chown", "chmod")) {
      Files.createSymbolicLink(tree.resolve("bin").resolve(applet), Path.of("busybox"));
    }
    Files.writeString(tree.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    Files.writeString(tree.resolve("etc/group"), "root:x:0:\n");
    Path tarball = base.resolve("rootfs.tar.zst");
    ExecResult r =
        runner.run(
            ProcessSpec.of(
                "tar",
                "--zstd",
                "--owner=0",
                "--group=0",
                "-C",
                tree.toString(),
                "-cf",
                tarball.toString(),
                "."),
            OutputSink.NONE,
            Cancellation.none());
    assertTrue(r.succeeded(), "tar of the rootfs");
    return tarball;
  }
}

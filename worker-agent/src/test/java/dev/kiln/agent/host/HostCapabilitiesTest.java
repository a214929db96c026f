package dev.kiln.agent.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.agent.core.Capabilities;
import dev.kiln.agent.executor.Availability;
import dev.kiln.agent.executor.Executor;
import dev.kiln.agent.executor.Instance;
import dev.kiln.agent.executor.PreparedImage;
import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.task.model.Backend;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HostCapabilitiesTest {

  record FakeExecutor(Backend backend, Availability availability) implements Executor {
    @Override
    public void prepare(PreparedImage image) {}

    @Override
    public void cleanUp(PreparedImage image) {}

    @Override
    public Instance create(PreparedImage image) {
      throw new UnsupportedOperationException();
    }
  }

  static final List<Executor> EXECUTORS =
      List.of(
          new FakeExecutor(Backend.UNSHARE, Availability.yes()),
          new FakeExecutor(Backend.INCUS_LXC, Availability.no("incus is not installed")),
          new FakeExecutor(Backend.QEMU, Availability.yes()));

  static final Map<String, String> INSTALLED =
      Map.of("sbuild", "0.85.0", "mmdebstrap", "1.3.5-7", "arch-test", "");

  final HostProbe probe =
      new HostProbe(EXECUTORS, Path.of("/"), t -> Optional.ofNullable(INSTALLED.get(t)));

  @AfterEach
  void uninstall() {
    HostProbe.install(null);
  }

  @Test
  void tagsNameArchitecturesDiskToolsAndAvailableExecutorsInTheSdkVocabulary() {
    assertEquals(
        List.of(
            "arch:amd64",
            "arch:i386",
            "disk:50G",
            "tool:sbuild",
            "tool:sbuild:0.85.0",
            "tool:mmdebstrap",
            "tool:mmdebstrap:1.3.5-7",
            "tool:arch-test",
            "executor:unshare",
            "executor:qemu"),
        HostCapabilities.tags(List.of("amd64", "i386"), (50L << 30) + 12345, probe));
  }

  @Test
  void anUnknownOrAbsentBackendIsNotAvailable() {
    assertTrue(probe.executorAvailable("unshare"));
    assertFalse(probe.executorAvailable("incus-lxc"));
    assertFalse(probe.executorAvailable("incus-vm"), "not configured at all");
    assertFalse(probe.executorAvailable("chroot"));
  }

  @Test
  void toolsAreFoundThroughDpkgOrThePath() {
    Optional<String> tar = HostProbe.probeTool("tar");
    assertTrue(tar.isPresent() && tar.get().matches("[0-9].*"), () -> "dpkg's version: " + tar);
    assertEquals(Optional.empty(), HostProbe.probeTool("kiln-no-such-tool"));
    assertEquals(Optional.empty(), HostProbe.probeTool("../bin/sh"), "not a package name");
  }

  @Test
  void theAgentAnnouncesWhatTheInstalledProbeFindsOnceEach() {
    HostProbe.install(probe);
    List<String> tags =
        Capabilities.discover(TaskRegistry.builtIn(), Path.of(System.getProperty("java.io.tmpdir")))
            .tags();
    assertTrue(tags.contains("executor:unshare"), tags::toString);
    assertTrue(tags.contains("tool:sbuild:0.85.0"), tags::toString);
    assertTrue(tags.stream().anyMatch(t -> t.matches("disk:[0-9]+G")), tags::toString);
    assertTrue(tags.contains("task:worker:noop:v1"), tags::toString);
    assertEquals(tags.size(), new HashSet<>(tags).size(), () -> "no duplicates: " + tags);
  }
}

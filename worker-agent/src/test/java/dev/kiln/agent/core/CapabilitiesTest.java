package dev.kiln.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.agent.task.TaskRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

  @Test
  void tagsNameArchitectureCpusMemoryTasksAndKind() {
    assertEquals(
        List.of("arch:arm64", "cpu:8", "mem:16G", "task:worker:noop:v1", "worker-type:worker"),
        Capabilities.tags("arm64", 8, 16L << 30, TaskRegistry.builtIn()));
  }

  @Test
  void memoryIsRoundedToWholeGibibytes() {
    assertEquals(
        "mem:16G",
        Capabilities.tags("amd64", 1, (long) (15.7 * (1L << 30)), TaskRegistry.builtIn()).get(2));
    assertEquals("mem:1G", Capabilities.tags("amd64", 1, 100, TaskRegistry.builtIn()).get(2));
  }

  @Test
  void javaArchitecturesMapToDebianNames() {
    assertEquals("amd64", Capabilities.debianArchitecture("amd64"));
    assertEquals("amd64", Capabilities.debianArchitecture("x86_64"));
    assertEquals("arm64", Capabilities.debianArchitecture("aarch64"));
    assertEquals("ppc64el", Capabilities.debianArchitecture("ppc64le"));
    assertEquals("riscv64", Capabilities.debianArchitecture("riscv64"));
  }
}

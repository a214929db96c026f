package dev.kiln.agent.task.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.agent.task.TaskRegistry;
import dev.kiln.agent.task.WorkerTask;
import dev.kiln.agent.taskio.Environments;
import dev.kiln.task.Tag;
import dev.kiln.task.WorkerProbe;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The agent's built-in tasks and the tags they make it announce. */
class BuiltInTasksTest {

  /** A worker with some tools and the unshare backend. */
  private static final WorkerProbe PROBE =
      new WorkerProbe() {
        final Map<String, String> tools =
            Map.of("mmdebstrap", "1.3.5-7", "sbuild", "0.85.0", "autopkgtest", "5.28");

        @Override
        public Optional<String> toolVersion(String tool) {
          return Optional.ofNullable(tools.get(tool));
        }

        @Override
        public boolean executorAvailable(String backend) {
          return backend.equals("unshare");
        }
      };

  @Test
  void everyDebianTaskRunsHereExceptPiuparts() {
    TaskRegistry registry = TaskRegistry.builtIn((Environments) null);
    Set<String> names =
        registry.all().stream().map(WorkerTask::taskName).collect(Collectors.toSet());
    assertEquals(
        Set.of(
            "noop",
            "mmdebstrap",
            "sbuild",
            "lintian",
            "makesourcepackageupload",
            "mergeuploads",
            "blhc",
            "debdiff",
            "autopkgtest",
            "extractforsigning",
            "assemblesignedsource"),
        names);
    assertFalse(names.contains("piuparts"));
  }

  @Test
  void theTasksAnnounceTheirVersionsAndTheToolsTheyFind() {
    Set<String> tags =
        TaskRegistry.builtIn((Environments) null).providedWorkerTags(PROBE).stream()
            .map(Tag::value)
            .collect(Collectors.toSet());
    assertTrue(tags.contains("task:worker:sbuild:v1"), tags.toString());
    assertTrue(tags.contains("task:worker:lintian:v1"));
    assertTrue(tags.contains("tool:mmdebstrap:1.3.5-7"));
    assertTrue(tags.contains("tool:sbuild:0.85.0"));
    assertTrue(tags.contains("executor:unshare"));
    assertFalse(tags.contains("executor:incus-lxc"));
    assertFalse(tags.stream().anyMatch(t -> t.startsWith("task:worker:piuparts")));
    assertFalse(tags.contains("tool:blhc"), "blhc is not installed on this probe");
  }
}

package dev.kiln.task.server;

import static dev.kiln.task.TestData.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.task.Tag;
import dev.kiln.task.TagProvenance;
import dev.kiln.task.TaskRegistry;
import dev.kiln.task.TaskType;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.external.ExternalTaskCatalogue;
import dev.kiln.task.external.ExternalTaskDefinition;
import dev.kiln.task.external.ProbeTask;
import dev.kiln.task.external.worker.NoopTask;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The tag hooks: DB task results plus, for worker tasks, the external task's, with provenance. */
class TagHooksTest {

  private final FakeLookupResolver lookups = new FakeLookupResolver();
  private final DbTaskContext context = new DbTaskContext("main", null, lookups, "amd64");
  private final DbTaskFactory factory = new DbTaskFactory(TaskCatalogue.registry());

  /** A worker with unshare and sbuild 0.85.0 installed. */
  static final WorkerProbe PROBE =
      new WorkerProbe() {
        @Override
        public Optional<String> toolVersion(String tool) {
          return Optional.ofNullable(Map.of("sbuild", "0.85.0", "gpg", "2.2.40").get(tool));
        }

        @Override
        public boolean executorAvailable(String backend) {
          return backend.equals("unshare");
        }
      };

  @Test
  void sbuildWithDefaultsRequiresSystemTags() throws Exception {
    TaskTags tags =
        factory
            .create(TaskType.WORKER, "sbuild", InputFieldResolutionTest.sbuild(), context)
            .computeTags();
    assertEquals(
        Set.of(
            Tag.system("task:worker:sbuild:v1"),
            Tag.system("arch:amd64"),
            Tag.system("executor:unshare"),
            Tag.system("tool:sbuild")),
        tags.required());
    assertEquals(
        Set.of(
            Tag.system("task-type:worker"),
            Tag.system("task-name:worker:sbuild"),
            Tag.system("workspace:main")),
        tags.provided());
    assertEquals(0, lookups.calls(), "tags need no lookup");
  }

  @Test
  void whatTheUserChoseHasUserProvenance() throws Exception {
    var data = InputFieldResolutionTest.sbuild();
    data.put("host_architecture", "arm64");
    data.put("backend", "incus-lxc");
    DbTask<?> task = factory.create(TaskType.WORKER, "sbuild", data, context);
    assertEquals(
        Set.of(Tag.user("arch:arm64"), Tag.user("executor:incus-lxc")), task.userProvidedTags());
    assertEquals(
        Set.of(
            Tag.system("task:worker:sbuild:v1"),
            Tag.system("tool:sbuild"),
            Tag.system("tool:autopkgtest")),
        task.computeSystemRequiredTags());
  }

  @Test
  void theAdapterAddsTheExternalTaskResultsToTheDbTaskOwn() throws Exception {
    DbTask<?> task = probeTask(null);
    assertTrue(task instanceof ExternalTaskAdapter<?>);
    assertEquals(
        Set.of(Tag.system("task:worker:probe:v3"), Tag.system("probe:required")),
        task.computeSystemRequiredTags());
    assertEquals(Set.of(Tag.user("probe:user")), task.userProvidedTags());
    assertEquals(
        Set.of(
            Tag.system("task-type:worker"),
            Tag.system("task-name:worker:probe"),
            Tag.system("workspace:main"),
            Tag.system("probe:provided")),
        task.computeSystemProvidedTags());
    TaskTags all = task.computeTags();
    assertTrue(all.required().contains(Tag.user("probe:user")));
    assertTrue(all.required().contains(Tag.system("probe:required")));
  }

  @Test
  void anExternalHookReturningTheWrongProvenanceIsRejected() throws Exception {
    DbTask<?> task = probeTask(TagProvenance.USER);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, task::computeSystemRequiredTags);
    assertTrue(e.getMessage().contains("computeSystemRequiredTags"), e.getMessage());
  }

  @Test
  void dbTasksContributeTheirOwn() throws Exception {
    assertEquals(
        Set.of(Tag.system("task:server:servernoop:v1")),
        factory
            .create(TaskType.SERVER, "servernoop", json("{'result': true}"), context)
            .computeSystemRequiredTags());
    DbTask<?> delay =
        factory.create(
            TaskType.WAIT, "delay", json("{'delay_until': '2026-03-01T00:00:00Z'}"), context);
    assertEquals(Set.of(), delay.computeSystemRequiredTags(), "no worker runs a wait task");
    assertTrue(delay.computeSystemProvidedTags().contains(Tag.system("task-type:wait")));
  }

  @Test
  void signingTasksRequireTheirTool() throws Exception {
    DbTask<?> sign =
        factory.create(
            TaskType.SIGNING,
            "sign",
            json("{'purpose': 'uefi', 'unsigned': ['5@artifacts'], 'key': 'ABCD'}"),
            context);
    assertEquals(
        Set.of(Tag.system("task:signing:sign:v1"), Tag.system("tool:sbsign")),
        sign.computeSystemRequiredTags());
  }

  @Test
  void workersProvideVersionTagsAndWhatTheTasksHooksFind() {
    Set<Tag> tags =
        ExternalTaskCatalogue.registry().providedWorkerTags(PROBE, Set.of(TaskType.WORKER));
    assertTrue(tags.contains(Tag.worker("task:worker:noop:v1")));
    assertTrue(tags.contains(Tag.worker("task:worker:sbuild:v1")));
    assertTrue(tags.contains(Tag.worker("executor:unshare")));
    assertTrue(tags.contains(Tag.worker("tool:sbuild")));
    assertTrue(tags.contains(Tag.worker("tool:sbuild:0.85.0")));
    assertTrue(tags.stream().noneMatch(t -> t.value().equals("executor:qemu")));
    assertTrue(tags.stream().noneMatch(t -> t.value().startsWith("task:signing:")));
    assertTrue(tags.stream().allMatch(t -> t.provenance() == TagProvenance.WORKER));

    Set<Tag> signing =
        ExternalTaskCatalogue.registry().providedWorkerTags(PROBE, Set.of(TaskType.SIGNING));
    assertTrue(signing.contains(Tag.worker("task:signing:sign:v1")));
    assertTrue(signing.contains(Tag.worker("tool:gpg")));
    assertTrue(signing.stream().noneMatch(t -> t.value().startsWith("task:worker:")));
  }

  @Test
  void theClassLevelHookRunsWithoutTaskData() {
    assertEquals(Set.of(Tag.worker("probe:yes")), ProbeTask.DEFINITION.providedWorkerTags(PROBE));
    ExternalTaskDefinition<NoopTask.Data> liar =
        ExternalTaskDefinition.worker("liar", 1, NoopTask.Data.class, (d, data, in) -> null)
            .providedWorkerTags(p -> Set.of(Tag.admin("trust:official")))
            .build();
    assertThrows(
        IllegalStateException.class,
        () -> TaskRegistry.of(List.of(liar)).providedWorkerTags(PROBE, Set.of(TaskType.WORKER)));
  }

  private DbTask<?> probeTask(TagProvenance provenance) throws Exception {
    var data = json("{'config_input': 1, 'late_input': 2}");
    if (provenance != null) {
      data.put("tag_provenance", provenance.name());
    }
    return new DbTaskFactory(TaskRegistry.of(List.of(ProbeTask.DEFINITION)))
        .create(TaskType.WORKER, "probe", data, context);
  }
}

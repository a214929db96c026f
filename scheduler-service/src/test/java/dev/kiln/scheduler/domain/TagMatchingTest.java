package dev.kiln.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.Tag;
import dev.kiln.task.TaskType;
import dev.kiln.task.WorkerProbe;
import dev.kiln.task.server.DbTaskContext;
import dev.kiln.task.server.DbTaskFactory;
import dev.kiln.task.server.TaskCatalogue;
import dev.kiln.task.server.TaskTags;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tag matching with each provenance rule (issue #5). */
class TagMatchingTest {

  private final TagPolicy policy = TagPolicy.defaults();

  private TagClass work(Set<Tag> required, Set<Tag> provided) {
    return policy.tagClass(TaskType.WORKER, new TaskTags(required, provided));
  }

  private WorkerClass worker(Set<Tag> provided, Set<Tag> required) {
    return policy.workerClass(WorkerKind.WORKER, provided, required);
  }

  @Test
  void requiredTagsMustBeProvidedAndTheWorkersRequirementsMet() {
    TagClass wr =
        work(
            Set.of(Tag.system("task:worker:sbuild:v1"), Tag.user("arch:arm64")),
            Set.of(Tag.system("workspace:main")));
    WorkerClass arm =
        worker(Set.of(Tag.worker("task:worker:sbuild:v1"), Tag.worker("arch:arm64")), Set.of());
    WorkerClass amd =
        worker(Set.of(Tag.worker("task:worker:sbuild:v1"), Tag.worker("arch:amd64")), Set.of());
    assertTrue(wr.canRunOn(arm));
    assertFalse(wr.canRunOn(amd), "arch:arm64 is not provided");
    WorkerClass dedicated =
        worker(
            Set.of(Tag.worker("task:worker:sbuild:v1"), Tag.worker("arch:arm64")),
            Set.of(Tag.admin("workspace:release")));
    assertFalse(wr.canRunOn(dedicated), "the worker requires workspace:release");
  }

  @Test
  void usersMayOnlyNarrowUserRequiredTagsCount() {
    TagClass narrowed =
        work(Set.of(Tag.user("arch:arm64"), Tag.user("executor:incus-vm")), Set.of());
    assertTrue(narrowed.required().containsAll(Set.of("arch:arm64", "executor:incus-vm")));
    WorkerClass unshareOnly =
        worker(Set.of(Tag.worker("arch:arm64"), Tag.worker("executor:unshare")), Set.of());
    assertFalse(narrowed.canRunOn(unshareOnly));
  }

  @Test
  void aUserProvidedTagCannotReachAWorkerThatRequiresASystemTag() {
    WorkerClass releaseOnly = worker(Set.of(), Set.of(Tag.admin("workspace:release")));
    TagClass sneaky = work(Set.of(), Set.of(Tag.user("workspace:release")));
    assertFalse(sneaky.provided().contains("workspace:release"), "user-provided tags are dropped");
    assertFalse(sneaky.canRunOn(releaseOnly));
    // a worker-provenance tag on a work request's provided side does not count either
    assertFalse(work(Set.of(), Set.of(Tag.worker("workspace:release"))).canRunOn(releaseOnly));
    // the same tag made by the system opens the worker
    assertTrue(work(Set.of(), Set.of(Tag.system("workspace:release"))).canRunOn(releaseOnly));
  }

  @Test
  void aWorkerSelfReportingAProtectedTagGetsNothingThatRequiresIt() {
    TagClass official = work(Set.of(Tag.system("trust:official")), Set.of());
    WorkerClass rogue = worker(Set.of(Tag.worker("trust:official")), Set.of());
    assertFalse(rogue.provided().contains("trust:official"));
    assertFalse(official.canRunOn(rogue));
    WorkerClass vouched = worker(Set.of(Tag.admin("trust:official")), Set.of());
    assertTrue(official.canRunOn(vouched), "an admin set it");
    // a user requiring trust:official only narrows: still only the vouched worker
    TagClass userWantsOfficial = work(Set.of(Tag.user("trust:official")), Set.of());
    assertFalse(userWantsOfficial.canRunOn(rogue));
    assertTrue(userWantsOfficial.canRunOn(vouched));
    // unprotected namespaces are trusted from the worker itself
    assertTrue(
        worker(Set.of(Tag.worker("arch:amd64")), Set.of()).provided().contains("arch:amd64"));
  }

  @Test
  void userProvenanceOnAWorkerNeverCounts() {
    WorkerClass w = worker(Set.of(Tag.user("arch:amd64")), Set.of(Tag.user("workspace:x")));
    assertFalse(w.provided().contains("arch:amd64"));
    assertFalse(w.required().contains("workspace:x"));
    // a worker's own requirements (worker provenance) only narrow, so they count
    assertTrue(
        worker(Set.of(), Set.of(Tag.worker("workspace:x"))).required().contains("workspace:x"));
  }

  @Test
  void protectedNamespacesAreConfigurable() {
    TagPolicy strict = new TagPolicy(List.of("trust", "mem:"));
    assertEquals(List.of("trust:", "mem:", "worker-type:"), strict.protectedNamespaces());
    assertTrue(strict.isProtected("mem:8G"));
    assertFalse(strict.isProtected("trustworthy"));
    assertFalse(strict.isProtected("signing:key"), "not configured here");
    assertFalse(
        strict
            .workerClass(WorkerKind.WORKER, Set.of(Tag.worker("mem:8G")), Set.of())
            .provided()
            .contains("mem:8G"));
    assertTrue(policy.isProtected("signing:uefi"));
    assertThrows(IllegalArgumentException.class, () -> new TagPolicy(List.of(" ")));
  }

  @Test
  void signingWorkGoesToSigningAgentsOnlyAndTheyTakeNothingElse() {
    TaskTags sign = new TaskTags(Set.of(Tag.system("task:signing:sign:v1")), Set.of());
    TagClass signing = policy.tagClass(TaskType.SIGNING, sign);
    TaskTags build = new TaskTags(Set.of(Tag.system("task:worker:noop:v1")), Set.of());
    TagClass worker = policy.tagClass(TaskType.WORKER, build);

    WorkerClass signingAgent =
        policy.workerClass(
            WorkerKind.SIGNING,
            Set.of(Tag.worker("task:signing:sign:v1"), Tag.worker("task:worker:noop:v1")),
            Set.of());
    // a worker agent that claims to run signing tasks, and even to be a signing agent
    WorkerClass rogue =
        policy.workerClass(
            WorkerKind.WORKER,
            Set.of(
                Tag.worker("task:signing:sign:v1"),
                Tag.worker("task:worker:noop:v1"),
                Tag.worker("worker-type:signing")),
            Set.of());
    assertTrue(signing.canRunOn(signingAgent));
    assertFalse(signing.canRunOn(rogue));
    assertFalse(worker.canRunOn(signingAgent), "no worker task on the machine with the keys");
    assertTrue(worker.canRunOn(rogue));
    assertThrows(
        IllegalArgumentException.class,
        () -> policy.tagClass(TaskType.INTERNAL, new TaskTags(Set.of(), Set.of())));
  }

  @Test
  void serverTasksGoToServerRunners() {
    TagClass server =
        policy.tagClass(
            TaskType.SERVER,
            new TaskTags(Set.of(Tag.system("task:server:aptmirror:v1")), Set.of()));
    WorkerClass runner =
        policy.workerClass(
            WorkerKind.SERVER, Set.of(Tag.worker("task:server:aptmirror:v1")), Set.of());
    WorkerClass agent =
        policy.workerClass(
            WorkerKind.WORKER, Set.of(Tag.worker("task:server:aptmirror:v1")), Set.of());
    assertTrue(server.canRunOn(runner));
    assertFalse(server.canRunOn(agent));
  }

  @Test
  void theClassOfAWorkRequestComputedByTheTaskSdkMatchesAWorkerAdvertisingTheCatalogue()
      throws Exception {
    var factory = new DbTaskFactory(TaskCatalogue.registry());
    var context = new DbTaskContext("main", null, batch -> Map.of(), "amd64");
    ObjectNode data = JsonNodeFactory.instance.objectNode().put("result", true);
    TaskTags tags = factory.create(TaskType.WORKER, "noop", data, context).computeTags();
    TagClass noop = policy.tagClass(TaskType.WORKER, tags);
    assertTrue(noop.required().contains("task:worker:noop:v1"), noop.toString());
    assertTrue(noop.provided().contains("workspace:main"), noop.toString());

    WorkerProbe probe =
        new WorkerProbe() {
          @Override
          public Optional<String> toolVersion(String tool) {
            return Optional.empty();
          }

          @Override
          public boolean executorAvailable(String backend) {
            return false;
          }
        };
    Set<Tag> advertised =
        TaskCatalogue.registry().providedWorkerTags(probe, Set.of(TaskType.WORKER));
    WorkerClass agent =
        policy.workerClass(
            WorkerKind.WORKER, union(advertised, Set.of(Tag.worker("arch:amd64"))), Set.of());
    assertTrue(noop.canRunOn(agent), noop + " on " + agent);
    WorkerClass dedicatedElsewhere =
        policy.workerClass(
            WorkerKind.WORKER,
            union(advertised, Set.of(Tag.worker("arch:amd64"))),
            Set.of(Tag.admin("workspace:release")));
    assertFalse(noop.canRunOn(dedicatedElsewhere));
  }

  private static Set<Tag> union(Set<Tag> a, Set<Tag> b) {
    var s = new java.util.HashSet<>(a);
    s.addAll(b);
    return s;
  }

  @Test
  void classesAreCanonicalAndTheirKeysStable() {
    TagClass a =
        work(
            Set.of(Tag.system("task:worker:noop:v1"), Tag.user("arch:amd64")),
            Set.of(Tag.system("workspace:main")));
    TagClass b =
        work(
            Set.of(Tag.user("task:worker:noop:v1"), Tag.system("arch:amd64")),
            Set.of(Tag.system("workspace:main"), Tag.user("ignored:tag")));
    assertEquals(a, b, "provenance only decides what counts; the class is of values");
    assertEquals(a.key(), b.key());
    assertEquals(64, a.key().length());
    assertEquals(
        TagClass.of(List.of("b", "a"), List.of("c")).key(),
        TagClass.of(List.of("a", "b"), List.of("c")).key());
    // pinned (computed independently): the encoding must never change, or stored classes split
    assertEquals("bc5376040267e1a5a66e36078c966a344bede74eb193b34d7ce4c836e7c89c7d", a.key());
    assertNotEquals(
        TagClass.of(List.of("a"), List.of("b")).key(),
        TagClass.of(List.of("b"), List.of("a")).key());
    assertNotEquals(
        TagClass.of(List.of("a b"), List.of()).key(),
        TagClass.of(List.of("a", "b"), List.of()).key());
    assertNotEquals(
        TagClass.of(List.of("a"), List.of("b")).key(),
        WorkerClass.of(List.of("a"), List.of("b")).key(),
        "tag classes and worker classes never share keys");
    assertThrows(IllegalArgumentException.class, () -> TagClass.of(List.of(""), List.of()));
  }
}

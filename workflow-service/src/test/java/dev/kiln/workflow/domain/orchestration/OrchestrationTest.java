package dev.kiln.workflow.domain.orchestration;

import static dev.kiln.workflow.domain.orchestration.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.kiln.task.TaskJson;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The orchestration model: layouts become one idempotent mutation, applied once. */
class OrchestrationTest {

  private final Orchestration orchestration = ProbeOrchestrator.orchestration();

  private FakeScheduler scheduler(String mode) {
    return new FakeScheduler(orchestration, 100, "probe", obj("{'mode': '" + mode + "'}"));
  }

  @Test
  void populateLaysOutChildrenWithKeysDependenciesAndWorkflowData() {
    GraphMutation m =
        orchestration.populate(WorkflowView.initial(100, "probe", obj("{'mode': 'fanout'}")));

    assertEquals(
        List.of("fan-out", "fan-in", "task-0", "task-1", "task-2"),
        m.children().stream().map(ChildSpec::key).toList());
    ChildSpec task = m.children().get(2);
    assertEquals("worker", task.taskType());
    assertEquals("noop", task.taskName());
    assertEquals(obj("{'result': true}"), task.taskData());
    assertEquals("No-op task-0", task.workflowData().displayName());
    assertEquals("task-0", task.workflowData().step());
    assertEquals("g0", task.workflowData().group());
    assertTrue(m.children().get(0).isSynchronizationPoint());
    assertTrue(m.edges().contains(new Edge("task-1", "fan-out")));
    assertTrue(m.edges().contains(new Edge("fan-in", "task-2")));
    assertEquals(6, m.edges().size());
    assertEquals("populate", m.trigger());
    assertTrue(m.idempotencyKey().startsWith("wf-100/populate/"), m.idempotencyKey());
  }

  @Test
  void rePopulatingWhatWasAppliedCreatesNothing() {
    FakeScheduler s = scheduler("fanout");
    GraphMutation first = s.start();
    assertEquals(5, first.children().size());

    GraphMutation again = orchestration.populate(s.view());

    assertTrue(again.isEmpty(), () -> again.toJson().toString());
    assertEquals(new FakeScheduler.Applied(0, false), s.apply(again));
    assertEquals(5, s.children().size());
  }

  @Test
  void aRedeliveredMutationIsANoOpAndTheSameStateGivesTheSameKey() {
    WorkflowView initial = WorkflowView.initial(100, "probe", obj("{'mode': 'fanout'}"));
    GraphMutation a = orchestration.populate(initial);
    GraphMutation b = orchestration.populate(initial);
    assertEquals(a.idempotencyKey(), b.idempotencyKey());
    assertNotEquals(
        a.idempotencyKey(),
        orchestration
            .populate(WorkflowView.initial(100, "probe", obj("{'mode': 'fanout', 'size': 4}")))
            .idempotencyKey());

    FakeScheduler s = scheduler("fanout");
    assertEquals(new FakeScheduler.Applied(5, false), s.apply(a));
    assertEquals(new FakeScheduler.Applied(0, true), s.apply(b));
    assertEquals(5, s.children().size());
  }

  @Test
  void aStaleMutationOfChildrenThatExistNowCreatesNothing() {
    FakeScheduler s = scheduler("fanout");
    GraphMutation stale = orchestration.populate(s.view());
    s.start(); // the same layout arrives through another event first
    assertEquals(5, s.children().size());

    // Same content as start()'s mutation: same idempotency key, so a no-op.
    assertEquals(new FakeScheduler.Applied(0, true), s.apply(stale));
    assertEquals(5, s.children().size());
  }

  @Test
  void aKeyThatExistsWithOtherDataIsAConflict() {
    FakeScheduler s = new FakeScheduler(orchestration, 100, "probe", obj("{'mode': 'fanout'}"));
    s.start();
    WorkflowView view = s.view();
    ChildState task = view.child("task-0").orElseThrow();
    ChildSpec changed =
        new ChildSpec(
            "task-0",
            null,
            "worker",
            "noop",
            obj("{'result': false}"),
            task.spec().workflowData(),
            List.of());
    Map<String, ChildState> children = new java.util.LinkedHashMap<>(view.children());
    children.put(
        "task-0",
        new ChildState(changed, task.workRequestId(), task.dependsOn(), task.status(), null));
    WorkflowView tampered =
        new WorkflowView(100, "probe", view.taskData(), children, Map.of(), Map.of());

    OrchestrationException e =
        assertThrows(OrchestrationException.class, () -> orchestration.populate(tampered));
    assertTrue(e.getMessage().contains("task-0"), e.getMessage());
  }

  @Test
  void cyclesInvalidChildrenAndMissingItemsFailTheOrchestration() {
    assertTrue(failure("cycle").contains("cycle"), failure("cycle"));
    String invalid = failure("invalid");
    assertTrue(invalid.contains("lint (worker/lintian)"), invalid);
    assertTrue(invalid.contains("task_data.input"), invalid);
    assertTrue(failure("missing").contains("internal@collections/name:nope"));
    assertTrue(failure("no-such-mode").contains("unknown mode"));
    assertEquals(
        "orchestrator-failed", OrchestrationException.CODE, "the error code Debusine uses");
  }

  private String failure(String mode) {
    return assertThrows(
            OrchestrationException.class,
            () ->
                orchestration.populate(
                    WorkflowView.initial(100, "probe", obj("{'mode': '" + mode + "'}"))))
        .getMessage();
  }

  @Test
  void invalidWorkflowDataFailsNamingTheField() {
    String message =
        assertThrows(
                OrchestrationException.class,
                () ->
                    orchestration.populate(
                        WorkflowView.initial(100, "probe", obj("{'mode': 'x', 'extra': 1}"))))
            .getMessage();
    assertTrue(message.contains("task_data.extra: unknown field"), message);
  }

  @Test
  void aPromiseMakesItsConsumerDependOnTheProducerAndIsReplacedOnSuccess() {
    FakeScheduler s = scheduler("promise");
    GraphMutation m = s.start();
    assertEquals(
        List.of(
            new PromiseSpec(
                "thing", "producer", "debian:upload", obj("{'architecture': 'amd64'}"))),
        m.promises());
    assertEquals(Set.of("producer"), s.child("consumer").dependsOn());
    assertEquals(
        List.of(
            EventReaction.updateCollection("internal@collections", "thing", null, "debian:upload")),
        s.child("producer").spec().onSuccess());
    assertTrue(s.internalCollection().get("thing").isPromise());
    assertEquals(ChildStatus.BLOCKED, s.child("consumer").status());

    s.complete("producer", ChildResult.SUCCESS);

    InternalItem real = s.internalCollection().get("thing");
    assertFalse(real.isPromise());
    assertEquals("debian:upload", real.category());
    assertEquals("amd64", real.architecture());
    assertEquals(ChildStatus.PENDING, s.child("consumer").status());
    // Once the promise is an artifact, a new consumer needs no dependency on the producer.
    assertTrue(orchestration.populate(s.view()).isEmpty());
  }

  @Test
  void aCallbackRunsWhenItBecomesPendingAndGrowsTheGraph() {
    FakeScheduler s = scheduler("callback");
    s.start();
    ChildState callback = s.child("note");
    assertTrue(callback.spec().isCallback());
    assertEquals("note", callback.spec().workflowData().step());
    assertEquals(ChildStatus.BLOCKED, callback.status());

    s.complete("first", ChildResult.SUCCESS);

    assertEquals(ChildStatus.COMPLETED, s.child("note").status());
    assertEquals(obj("{'first_result': 'SUCCESS'}"), s.internalCollection().get("note").data());
    assertEquals(Set.of("first"), s.child("after-note").dependsOn());
    assertEquals(ChildStatus.PENDING, s.child("after-note").status());
    assertEquals(ChildStatus.RUNNING, s.rootStatus(), "a child is still pending");
    s.complete("after-note", ChildResult.SUCCESS);
    assertEquals(ChildStatus.COMPLETED, s.rootStatus());
    assertEquals(ChildResult.SUCCESS, s.rootResult());
    GraphMutation callbackMutation = s.mutations().get(1);
    assertEquals("callback:note", callbackMutation.trigger());
    // The same callback event delivered again yields the same mutation: a no-op.
    assertEquals(
        new FakeScheduler.Applied(0, true),
        s.apply(
            GraphMutation.of(
                100,
                "callback:note",
                callbackMutation.children(),
                callbackMutation.edges(),
                callbackMutation.promises(),
                callbackMutation.bareItems())));
  }

  @Test
  void aCallbackOfASubWorkflowRunsThatWorkflowsOrchestratorInItsScope() {
    FakeScheduler s = scheduler("nested-callback");
    s.start();
    assertEquals("inner", s.child("inner/note").parent());
    assertEquals(Set.of("inner/first"), s.child("inner/note").dependsOn());

    s.complete("inner/first", ChildResult.SUCCESS);

    ChildState added = s.child("inner/after-note");
    assertEquals("inner", added.parent());
    assertEquals(Set.of("inner/first"), added.dependsOn());
    assertEquals("callback:inner/note", s.mutations().get(1).trigger());
    s.complete("inner/after-note", ChildResult.SUCCESS);
    assertEquals(ChildResult.SUCCESS, s.child("inner").result());
    assertEquals(ChildResult.SUCCESS, s.rootResult());
  }

  @Test
  void aSubWorkflowIsEnteredAndLeftThroughSynchronizationPoints() {
    FakeScheduler s = scheduler("sub");
    GraphMutation m = s.start();

    Map<String, ChildState> c = s.children();
    assertTrue(c.get("inner").spec().isWorkflow());
    assertEquals("inner", c.get("inner/entry").parent());
    assertEquals("inner", c.get("inner/task-0").parent());
    assertEquals(Set.of("before"), c.get("inner/entry").dependsOn());
    assertEquals(Set.of("inner/entry"), c.get("inner/fan-out").dependsOn());
    assertEquals(Set.of("inner/fan-in"), c.get("inner/exit").dependsOn());
    assertEquals(Set.of("inner/exit"), c.get("after").dependsOn());
    assertEquals(
        m.children().indexOf(c.get("inner").spec())
            < m.children().indexOf(c.get("inner/entry").spec()),
        true,
        "a parent comes before its children");

    s.runAll(ChildResult.SUCCESS);
    assertEquals(ChildStatus.COMPLETED, s.child("inner").status());
    assertEquals(ChildResult.SUCCESS, s.child("inner").result());
    assertEquals(ChildResult.SUCCESS, s.rootResult());
  }

  @Test
  void theMutationRoundTripsThroughJsonAndMatchesItsSchema() throws Exception {
    FakeScheduler s = scheduler("promise");
    GraphMutation m = s.start();
    GraphMutation withItem =
        GraphMutation.of(
            100,
            "callback:x",
            m.children(),
            m.edges(),
            m.promises(),
            List.of(new BareItemSpec("note", "debian:qa-result", obj("{'a': 1}"))));
    JsonNode json = withItem.toJson();

    assertEquals(withItem, GraphMutation.fromJson(json));
    JsonSchema schema;
    try (InputStream in =
        getClass().getResourceAsStream("/commands/workflow-graph-mutation.v1.schema.json")) {
      schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
              .getSchema(TaskJson.mapper().readTree(in));
    }
    Set<ValidationMessage> errors = schema.validate(json);
    assertEquals(Set.of(), errors);
    // Every key the record writes is declared by the schema (no silent drift).
    JsonNode props = schema.getSchemaNode().get("properties");
    assertEquals(fieldNames(props), fieldNames(json));
    JsonNode child = props.get("children").get("items").get("properties");
    assertTrue(
        fieldNames(child).containsAll(fieldNames(json.get("children").get(0))),
        json.get("children").get(0).toString());
    assertFalse(schema.validate(obj("{'workflow_id': 1, 'trigger': 'other'}")).isEmpty());
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> out = new java.util.TreeSet<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void aLayoutKeyMustBeLocal() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Layout<>(
                    new Plan(WorkflowView.initial(1, "probe", obj("{}")), orchestration),
                    null,
                    new ProbeOrchestrator.Data("x", null))
                .key("a/b"));
  }

  @Test
  void theOrchestrationKnowsEveryCatalogueWorkflow() {
    assertEquals(
        dev.kiln.task.server.TaskCatalogue.workflowTasks().stream()
            .map(d -> d.name())
            .collect(Collectors.toCollection(java.util.TreeSet::new)),
        new java.util.TreeSet<>(
            dev.kiln.workflow.domain.catalogue.WorkflowCatalogue.orchestration().workflowNames()));
  }
}

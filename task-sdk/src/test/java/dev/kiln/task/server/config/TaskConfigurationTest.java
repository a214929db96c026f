package dev.kiln.task.server.config;

import static dev.kiln.task.TestData.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kiln.task.TaskType;
import dev.kiln.task.server.SubjectContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The task configuration overlay, as Debusine applies it. */
class TaskConfigurationTest {

  private static final SubjectContext HELLO_BOOKWORM = new SubjectContext("hello", "bookworm");

  private static TaskConfigurationItem global() {
    return TaskConfigurationItem.forTask("worker", "sbuild", null, null);
  }

  private static TaskConfigurationItem context() {
    return TaskConfigurationItem.forTask("worker", "sbuild", null, "bookworm");
  }

  private static TaskConfigurationItem subject() {
    return TaskConfigurationItem.forTask("worker", "sbuild", "hello", null);
  }

  private static TaskConfigurationItem both() {
    return TaskConfigurationItem.forTask("worker", "sbuild", "hello", "bookworm");
  }

  private static TextNode text(String s) {
    return TextNode.valueOf(s);
  }

  private static ConfiguredTaskData apply(ObjectNode data, TaskConfigurationItem... items)
      throws TaskConfigurationException {
    return TaskConfiguration.apply(
        data,
        TaskType.WORKER,
        "sbuild",
        HELLO_BOOKWORM,
        TaskConfigurationSource.of(List.of(items)));
  }

  @Test
  void itemsAreLookedUpFromTheMostGeneralToTheMostSpecific() {
    assertEquals(
        List.of(
            "worker:sbuild::",
            "worker:sbuild::bookworm",
            "worker:sbuild:hello:",
            "worker:sbuild:hello:bookworm"),
        TaskConfiguration.lookupNames(TaskType.WORKER, "sbuild", "hello", "bookworm"));
    assertEquals(
        List.of("worker:sbuild::"),
        TaskConfiguration.lookupNames(TaskType.WORKER, "sbuild", null, null));
    assertEquals(
        List.of("worker:sbuild::", "worker:sbuild:hello:"),
        TaskConfiguration.lookupNames(TaskType.WORKER, "sbuild", "hello", null));
    assertEquals(
        List.of("worker:sbuild::", "worker:sbuild::trixie/updates%20x"),
        TaskConfiguration.lookupNames(TaskType.WORKER, "sbuild", null, "trixie/updates x"));
  }

  @Test
  void theContextIsUrlEncodedLikePythonQuote() {
    assertEquals("a/b%20c%3Ad~e_f.g-h%C3%A9", TaskConfiguration.quote("a/b c:d~e_f.g-hé"));
    assertEquals(
        "worker:sbuild:hello:amd64%3Aall",
        TaskConfigurationItem.forTask("worker", "sbuild", "hello", "amd64:all").name());
    assertEquals("template:base", TaskConfigurationItem.template("base").name());
  }

  @Test
  void moreSpecificItemsWinAndDefaultsOnlyFillMissingOrNull() throws Exception {
    ObjectNode data =
        json("{'input': {'source_artifact': 1}, 'build_profiles': null, 'aspcud_criteria': 'x'}");
    ConfiguredTaskData c =
        apply(
            data,
            global()
                .withDefault("backend", text("unshare"))
                .withDefault("build_profiles", JsonNodeFactory.instance.arrayNode().add("nocheck"))
                .withDefault("aspcud_criteria", text("ignored: already set")),
            context().withOverride("backend", text("incus-lxc")),
            subject().withOverride("build_dep_resolver", text("aspcud")),
            both().withOverride("backend", text("qemu")));

    ObjectNode configured = c.configured();
    assertEquals("qemu", configured.get("backend").asText(), "the most specific override wins");
    assertEquals("nocheck", configured.get("build_profiles").get(0).asText(), "null is filled");
    assertEquals("x", configured.get("aspcud_criteria").asText(), "set values are kept");
    assertEquals("aspcud", configured.get("build_dep_resolver").asText());
    assertEquals(
        List.of(
            "worker:sbuild::",
            "worker:sbuild::bookworm",
            "worker:sbuild:hello:",
            "worker:sbuild:hello:bookworm"),
        c.appliedItems());
    assertEquals(data, c.submitted(), "the submitted task data is kept as it was");
    assertTrue(data.get("build_profiles").isNull(), "and not modified");
  }

  @Test
  void overridesReplaceSubmittedValues() throws Exception {
    ConfiguredTaskData c =
        apply(json("{'backend': 'unshare'}"), global().withOverride("backend", text("incus-vm")));
    assertEquals("incus-vm", c.configured().get("backend").asText());
    assertEquals("unshare", c.submitted().get("backend").asText());
  }

  @Test
  void deleteValuesDropWhatEarlierItemsSet() throws Exception {
    ConfiguredTaskData c =
        apply(
            json("{'build_profiles': ['nodoc']}"),
            global()
                .withDefault("aspcud_criteria", text("a"))
                .withOverride("backend", text("qemu")),
            subject().withDeletes("aspcud_criteria", "backend", "build_profiles"));
    assertEquals(json("{'build_profiles': ['nodoc']}"), c.configured());
  }

  @Test
  void lockedKeysCannotBeTouchedByLaterItems() throws Exception {
    ConfiguredTaskData c =
        apply(
            json("{}"),
            global().withOverride("backend", text("unshare")).withLocks("backend"),
            context()
                .withOverride("backend", text("qemu"))
                .withDefault("debug", IntNode.valueOf(1)),
            subject().withDeletes("backend"),
            both().withDefault("backend", text("incus-lxc")));
    assertEquals(json("{'backend': 'unshare', 'debug': 1}"), c.configured());
  }

  @Test
  void templatesApplyBeforeTheItemThatUsesThemRecursively() throws Exception {
    TaskConfigurationItem base =
        TaskConfigurationItem.template("base").withOverride("backend", text("unshare"));
    TaskConfigurationItem vm =
        TaskConfigurationItem.template("vm")
            .withTemplates("base")
            .withOverride("backend", text("incus-vm"))
            .withDefault("x", text("from-vm"));
    ConfiguredTaskData c =
        apply(json("{}"), base, vm, context().withTemplates("vm").withDefault("x", text("own")));
    assertEquals(json("{'backend': 'incus-vm', 'x': 'own'}"), c.configured());
    assertEquals(
        List.of("template:base", "template:vm", "worker:sbuild::bookworm"), c.appliedItems());
  }

  @Test
  void templateCyclesAreDetected() {
    TaskConfigurationItem a = TaskConfigurationItem.template("a").withTemplates("b");
    TaskConfigurationItem b = TaskConfigurationItem.template("b").withTemplates("a");
    TaskConfigurationException e =
        assertThrows(
            TaskConfigurationException.class,
            () -> apply(json("{}"), a, b, global().withTemplates("a")));
    assertEquals("worker:sbuild::: template lookup cycle detected: a → b → a", e.getMessage());
    assertEquals("task-configuration-failed", e.code());
  }

  @Test
  void aTemplateUsingItselfIsACycle() {
    TaskConfigurationItem self = TaskConfigurationItem.template("self").withTemplates("self");
    assertThrows(
        TaskConfigurationException.class,
        () -> apply(json("{}"), self, global().withTemplates("self")));
  }

  @Test
  void aMissingTemplateIsAnError() {
    TaskConfigurationException e =
        assertThrows(
            TaskConfigurationException.class,
            () -> apply(json("{}"), subject().withTemplates("gone")));
    assertEquals("worker:sbuild:hello: references missing template 'gone'", e.getMessage());
  }

  @Test
  void aSharedTemplateIsNotACycle() throws Exception {
    TaskConfigurationItem common =
        TaskConfigurationItem.template("common").withDefault("n", IntNode.valueOf(1));
    TaskConfigurationItem left = TaskConfigurationItem.template("left").withTemplates("common");
    TaskConfigurationItem right = TaskConfigurationItem.template("right").withTemplates("common");
    ConfiguredTaskData c =
        apply(json("{}"), common, left, right, global().withTemplates("left", "right"));
    assertEquals(json("{'n': 1}"), c.configured());
  }

  @Test
  void noItemsMeansNoChange() throws Exception {
    ObjectNode data = json("{'backend': 'unshare'}");
    ConfiguredTaskData c =
        TaskConfiguration.apply(
            data, TaskType.WORKER, "sbuild", HELLO_BOOKWORM, TaskConfigurationSource.empty());
    assertEquals(data, c.configured());
    assertEquals(List.of(), c.appliedItems());
  }

  @Test
  void itemsReadFromBareData() throws Exception {
    TaskConfigurationItem item =
        TaskConfigurationItem.fromJson(
            json(
                "{'task_type': 'worker', 'task_name': 'sbuild', 'context': 'bookworm',"
                    + " 'use_templates': ['t'], 'default_values': {'a': 1}, 'override_values': {'b': null},"
                    + " 'delete_values': ['c'], 'lock_values': ['d'], 'comment': 'why'}"));
    assertEquals("worker:sbuild::bookworm", item.name());
    assertEquals(List.of("t"), item.useTemplates());
    assertEquals(NullNode.getInstance(), item.overrideValues().get("b"));
    assertThrows(
        TaskConfigurationException.class,
        () -> TaskConfigurationItem.fromJson(json("{'task_type': 'worker', 'bogus': 1}")));
    assertThrows(
        TaskConfigurationException.class,
        () -> TaskConfigurationItem.fromJson(json("{'task_type': 'worker'}")));
    assertThrows(
        TaskConfigurationException.class,
        () -> TaskConfigurationItem.fromJson(json("{'template': 't', 'lock_values': 'x'}")));
  }

  @Test
  void theCollectionDefaultsToTheDefaultCollection() {
    assertEquals(
        "default@debusine:task-configuration",
        TaskConfiguration.collectionLookup(json("{}")).asText());
    assertTrue(TaskConfiguration.isDefaultCollection(json("{'task_configuration': null}")));
    assertEquals(
        "mine@debusine:task-configuration",
        TaskConfiguration.collectionLookup(
                json("{'task_configuration': 'mine@debusine:task-configuration'}"))
            .asText());
  }
}

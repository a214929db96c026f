package dev.kiln.workflow.domain.template;

import static dev.kiln.workflow.domain.orchestration.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.task.FieldError;
import dev.kiln.task.TaskJson;
import dev.kiln.task.server.TaskCatalogue;
import dev.kiln.workflow.domain.catalogue.WorkflowCatalogue;
import dev.kiln.workflow.domain.orchestration.GraphMutation;
import dev.kiln.workflow.domain.orchestration.WorkflowView;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Templates: fixed parameters, overridable defaults, priority, and errors naming the field. */
class WorkflowTemplatesTest {

  private final WorkflowTemplates templates = new WorkflowTemplates(TaskCatalogue.registry());

  private static WorkflowTemplate pipeline(int priority) {
    return new WorkflowTemplate(
        "main",
        "bookworm-pipeline",
        "debian_pipeline",
        obj("{'codename': 'bookworm', 'vendor': 'debian', 'enable_upload': false}"),
        obj("{'architectures': ['amd64'], 'enable_piuparts': false}"),
        priority);
  }

  private static List<FieldError> errors(ThrowingRunnable r) {
    return assertThrows(TemplateException.class, r::run).errors();
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void templateKeysAreFixedDefaultsAreOverridableAndUserKeysAreFree() throws Exception {
    WorkflowStart start =
        templates.start(
            pipeline(-10),
            obj(
                "{'source_artifact': 12, 'architectures': ['amd64', 'arm64'], 'codename': 'bookworm'}"));

    assertEquals("debian_pipeline", start.taskName());
    assertEquals(
        obj(
            "{'architectures': ['amd64', 'arm64'], 'enable_piuparts': false, 'source_artifact':"
                + " 12, 'codename': 'bookworm', 'vendor': 'debian', 'enable_upload': false}"),
        start.taskData());
    assertEquals(-10, start.priorityBase());
    assertEquals("bookworm-pipeline", start.workflowTemplateName());
    // The merged data starts a workflow that lays out.
    GraphMutation m =
        WorkflowCatalogue.orchestration()
            .populate(WorkflowView.initial(1, start.taskName(), start.taskData()));
    assertTrue(m.children().stream().anyMatch(c -> c.key().equals("sbuild/build-arm64")));
  }

  @Test
  void aUserValueForAFixedKeyIsRefusedNamingTheField() {
    assertEquals(
        List.of(
            new FieldError(
                "task_data.codename", "is fixed by the workflow template 'bookworm-pipeline'")),
        errors(
            () ->
                templates.start(
                    pipeline(0), obj("{'source_artifact': 12, 'codename': 'trixie'}"))));
  }

  @Test
  void invalidMergedDataIsRefusedNamingEachField() {
    List<FieldError> e =
        errors(() -> templates.start(pipeline(0), obj("{'enable_qa': 'yes', 'colour': 'blue'}")));
    assertEquals(
        List.of(
            new FieldError("task_data.colour", "unknown field"),
            new FieldError("task_data.enable_qa", "must be a boolean"),
            new FieldError("task_data.source_artifact", "is required")),
        e);
    assertEquals(
        List.of(new FieldError("task_data", "must be an object")),
        errors(() -> templates.start(pipeline(0), TaskJson.parse("[1]"))));
  }

  @Test
  void aTemplateIsCheckedBeforeItIsStored() throws Exception {
    templates.check(pipeline(-10), false);
    templates.check(pipeline(5), true);
    assertEquals(
        List.of(new FieldError("priority", "above 0 needs the permission to manage priorities")),
        errors(() -> templates.check(pipeline(5), false)));
    assertEquals(
        List.of(new FieldError("task_name", "unknown workflow 'nope'")),
        errors(
            () ->
                templates.check(
                    new WorkflowTemplate("main", "t", "nope", obj("{}"), obj("{}"), 0), false)));
    List<FieldError> e =
        errors(
            () ->
                templates.check(
                    new WorkflowTemplate(
                        "main",
                        "bad name",
                        "qa",
                        obj("{'codename': 3, 'enable_blhc': true}"),
                        obj("{'codename': 'sid', 'architecturez': []}"),
                        0),
                    false));
    assertTrue(
        e.contains(new FieldError("name", "must match [A-Za-z0-9][A-Za-z0-9._+-]*")), e::toString);
    assertTrue(
        e.contains(new FieldError("default_task_data.codename", "is also fixed in task_data")),
        e::toString);
    assertTrue(e.contains(new FieldError("task_data.codename", "must be a string")), e::toString);
    assertTrue(
        e.contains(new FieldError("default_task_data.architecturez", "unknown field")),
        e::toString);
  }
}

package dev.kiln.task;

import static dev.kiln.task.TestData.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kiln.task.external.worker.NoopTask;
import dev.kiln.task.external.worker.SbuildTask;
import dev.kiln.task.model.Backend;
import dev.kiln.task.server.TaskCatalogue;
import dev.kiln.task.server.wait.DelayTask;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of submitted task data: every error names its field by JSON path. */
class TaskDataValidationTest {

  private final TaskRegistry registry = TaskCatalogue.registry();

  @Test
  void noopAcceptsExactlyABooleanResult() {
    assertEquals(List.of(), registry.validate("worker", "noop", json("{'result': true}")));
    assertEquals(
        List.of(new FieldError("task_data.result", "is required")),
        registry.validate("worker", "noop", json("{}")));
    assertEquals(
        List.of(new FieldError("task_data.result", "must be a boolean")),
        registry.validate("worker", "noop", json("{'result': 'yes'}")));
    assertEquals(
        List.of(new FieldError("task_data.extra", "unknown field")),
        registry.validate("worker", "noop", json("{'result': false, 'extra': 1}")));
  }

  @Test
  void taskDataMustBeAnObject() {
    assertEquals(
        List.of(new FieldError("task_data", "must be an object")),
        registry.validate("worker", "noop", JsonNodeFactory.instance.arrayNode()));
    assertEquals(
        List.of(new FieldError("task_data", "is required")),
        registry.validate("worker", "noop", null));
  }

  @Test
  void nestedErrorsNameTheFullPath() {
    List<FieldError> errors =
        registry.validate(
            "worker",
            "sbuild",
            json(
                "{'input': {'extra': 1}, 'environment': 'debian/match:codename=bookworm',"
                    + " 'backend': 'docker', 'build_components': ['any', 7]}"));
    assertTrue(
        errors.contains(new FieldError("task_data.input.source_artifact", "is required")),
        errors::toString);
    assertTrue(
        errors.contains(new FieldError("task_data.input.extra", "unknown field")),
        errors::toString);
    assertTrue(
        errors.stream()
            .anyMatch(
                e ->
                    e.field().equals("task_data.backend")
                        && e.message().startsWith("must be one of auto, unshare")),
        errors::toString);
    assertTrue(
        errors.stream().anyMatch(e -> e.field().equals("task_data.build_components[1]")),
        errors::toString);
  }

  @Test
  void arrayElementsAreNamedByIndex() {
    List<FieldError> errors =
        registry.validate(
            "server",
            "copycollectionitems",
            json("{'copies': [{'source_items': ['1@artifacts']}]}"));
    assertEquals(
        List.of(new FieldError("task_data.copies[0].target_collection", "is required")), errors);
  }

  @Test
  void lookupsAreStringsOrIntegers() {
    List<FieldError> errors =
        registry.validate(
            "worker", "sbuild", json("{'input': {'source_artifact': true}, 'environment': ' '}"));
    assertTrue(
        errors.contains(
            new FieldError("task_data.input.source_artifact", "must be a string or an integer")),
        errors::toString);
    assertTrue(errors.stream().anyMatch(e -> e.field().equals("task_data.environment")));
  }

  @Test
  void dateTimesAreChecked() {
    assertFalse(registry.validate("wait", "delay", json("{'delay_until': 'tomorrow'}")).isEmpty());
    assertEquals(
        List.of(),
        registry.validate("wait", "delay", json("{'delay_until': '2026-03-01T10:00:00Z'}")));
  }

  @Test
  void unknownTasksNameTheTaskFields() {
    assertEquals(
        List.of(new FieldError("task_name", "unknown worker task 'nope'")),
        registry.validate("worker", "nope", json("{}")));
    assertEquals("task_type", registry.validate("robot", "noop", json("{}")).get(0).field());
    assertEquals("task_type", registry.validate(null, "noop", json("{}")).get(0).field());
    assertEquals("task_name", registry.validate("worker", "", json("{}")).get(0).field());
  }

  @Test
  void parseReadsTheRecord() throws TaskDataException {
    assertEquals(new NoopTask.Data(true), NoopTask.DEFINITION.parseData(json("{'result': true}")));
    SbuildTask.Data sbuild =
        SbuildTask.DEFINITION.parseData(
            json(
                "{'input': {'source_artifact': 12}, 'environment': 'debian/match:codename=trixie',"
                    + " 'backend': 'incus-lxc', 'binnmu': {'changelog': 'rebuild', 'suffix': '+b1',"
                    + " 'timestamp': '2026-02-01T00:00:00+01:00'}}"));
    assertEquals(12, sbuild.input().sourceArtifact().json().asInt());
    assertEquals(Backend.INCUS_LXC, sbuild.backend());
    assertEquals(Instant.parse("2026-01-31T23:00:00Z"), sbuild.binnmu().timestamp());
    assertEquals(
        Instant.parse("2026-03-01T10:00:00Z"),
        DelayTask.DEFINITION
            .parseData(json("{'delay_until': '2026-03-01T10:00:00Z'}"))
            .delayUntil());
  }

  @Test
  void parseRejectsInvalidDataWithTheErrors() {
    TaskDataException e =
        assertThrows(
            TaskDataException.class, () -> NoopTask.DEFINITION.parseData(json("{'result': 1}")));
    assertEquals(List.of(new FieldError("task_data.result", "must be a boolean")), e.errors());
  }

  @Test
  void recordsWriteBackToValidTaskData() throws TaskDataException {
    SbuildTask.Data data =
        SbuildTask.DEFINITION.parseData(
            json(
                "{'input': {'source_artifact': '12@artifacts'}, 'environment': 7, 'backend': 'qemu'}"));
    var written = SbuildTask.DEFINITION.toJson(data);
    assertEquals(
        json("{'input': {'source_artifact': '12@artifacts'}, 'environment': 7, 'backend': 'qemu'}"),
        written);
    assertEquals(List.of(), SbuildTask.DEFINITION.validate(written));
  }
}

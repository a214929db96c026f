package dev.kiln.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.common.problem.FieldError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskDataRulesTest {

  @Test
  void validNoop() {
    assertTrue(TaskDataRules.validate("worker", "noop", Map.of("result", true)).isEmpty());
    assertTrue(TaskDataRules.validate("worker", "noop", Map.of("result", false)).isEmpty());
  }

  @Test
  void eachErrorNamesItsField() {
    assertEquals(
        List.of(new FieldError("task_data.result", "must be a boolean")),
        TaskDataRules.validate("worker", "noop", Map.of("result", "true")));
    assertEquals(
        List.of(new FieldError("task_data.result", "is required")),
        TaskDataRules.validate("worker", "noop", Map.of()));
    assertEquals(
        "task_data.extra",
        TaskDataRules.validate("worker", "noop", Map.of("result", true, "extra", 1))
            .get(0)
            .field());
    assertEquals("task_name", TaskDataRules.validate("worker", "sbuld", Map.of()).get(0).field());
    assertEquals("task_type", TaskDataRules.validate("celery", "noop", Map.of()).get(0).field());
    assertEquals(
        List.of(), TaskDataRules.validate("server", "servernoop", Map.of()), "every type is taken");
    assertEquals(List.of(), TaskDataRules.validate("workflow", "any-workflow", Map.of()));
    assertEquals("task_name", TaskDataRules.validate("workflow", " ", Map.of()).get(0).field());
    assertEquals("task_data", TaskDataRules.validate("worker", "noop", null).get(0).field());
  }

  @Test
  void everyWorkerTaskOfTheCatalogueIsCheckedAgainstItsSchema() {
    assertTrue(
        TaskDataRules.validate("worker", "sbuild", Map.of("input", Map.of())).stream()
            .anyMatch(e -> e.field().equals("task_data.input.source_artifact")),
        "nested fields are named");
  }
}

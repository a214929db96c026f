package dev.kiln.agent.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoopTaskTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private TaskOutcome run(String taskData) throws Exception {
    return new NoopTask()
        .run(
            new TaskContext(
                1,
                1,
                "System",
                JSON.readTree(taskData),
                JSON.createObjectNode(),
                dir,
                dir.resolve("noop.log")));
  }

  @Test
  void resultTrueSucceedsAndFalseFails() throws Exception {
    assertEquals(TaskOutcome.Result.SUCCESS, run("{\"result\":true}").result());
    assertEquals(TaskOutcome.Result.FAILURE, run("{\"result\":false}").result());
    assertTrue(Files.readString(dir.resolve("noop.log")).contains("noop: outcome failure"));
  }

  @Test
  void aMissingResultIsAConfigurationError() throws Exception {
    TaskOutcome outcome = run("{\"result\":\"yes\"}");
    assertEquals(TaskOutcome.Result.ERROR, outcome.result());
    assertEquals("configure-failed", outcome.errors().get(0).code());
  }

  @Test
  void registryFindsByTypeAndNameAndRefusesDuplicates() {
    TaskRegistry registry = TaskRegistry.builtIn();
    assertTrue(registry.find("worker", "noop").isPresent());
    assertTrue(registry.find("signing", "noop").isEmpty());
    assertThrows(
        IllegalArgumentException.class,
        () -> new TaskRegistry(List.of(new NoopTask(), new NoopTask())));
  }
}

package dev.kiln.task.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskDefinition;
import dev.kiln.task.TaskJson;
import dev.kiln.task.server.TaskCatalogue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every catalogue task's JSON Schema (in api-contracts) agrees with its task data record. For a
 * task without a schema yet, the derived skeleton is written to {@code
 * target/generated-task-data/<type>/<name>.schema.json}: copy it to api-contracts and describe its
 * fields.
 */
class SchemaAgreementTest {

  private static final Path GENERATED = Path.of("target", "generated-task-data");

  @TestFactory
  Stream<DynamicTest> everyCatalogueSchemaMatchesItsRecord() {
    return TaskCatalogue.definitions().stream()
        .map(d -> DynamicTest.dynamicTest(d.id(), () -> check(d)));
  }

  /** No schema file in api-contracts is left without a task (a renamed or removed one). */
  @Test
  void everySchemaFileBelongsToACatalogueTask() throws IOException {
    Path contracts = Path.of("..", "api-contracts", "src", "main", "resources", "task-data");
    Assumptions.assumeTrue(Files.isDirectory(contracts), "api-contracts sources not beside");
    Set<String> expected =
        TaskCatalogue.definitions().stream()
            .map(d -> d.type().wire() + "/" + d.name() + ".schema.json")
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> found;
    try (Stream<Path> files = Files.walk(contracts)) {
      found =
          files
              .filter(Files::isRegularFile)
              .map(f -> contracts.relativize(f).toString().replace('\\', '/'))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(expected, found);
  }

  private static void check(TaskDefinition<?> d) throws IOException {
    ObjectNode skeleton = RecordSchemas.skeleton(d);
    Path out = GENERATED.resolve(d.type().wire()).resolve(d.name() + ".schema.json");
    Files.createDirectories(out.getParent());
    Files.writeString(
        out, TaskJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(skeleton));
    JsonNode schema;
    try (InputStream in = SchemaAgreementTest.class.getResourceAsStream(d.schemaResource())) {
      if (in == null) {
        fail("no schema at " + d.schemaResource() + "; a skeleton is in " + out.toAbsolutePath());
        return;
      }
      schema = TaskJson.mapper().readTree(in);
    }
    assertEquals("https://json-schema.org/draft/2020-12/schema", schema.path("$schema").asText());
    assertEquals("https://kiln.dev" + d.schemaResource(), schema.path("$id").asText());
    List<String> differences = RecordSchemas.differences(skeleton, schema, "task_data");
    assertTrue(
        differences.isEmpty(),
        d.id() + ": schema and record disagree:\n  " + String.join("\n  ", differences));
  }
}

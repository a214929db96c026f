package dev.kiln.task.server;

import static dev.kiln.task.TestData.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kiln.task.TaskJson;
import dev.kiln.task.server.lookup.ExpectType;
import dev.kiln.task.server.lookup.LookupBatch;
import dev.kiln.task.server.lookup.LookupQuery;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A lookup batch serialises to the request of the artifact service's batch lookup API. */
class LookupWireTest {

  @Test
  void aBatchIsTheLookupApiRequest() {
    Map<String, LookupQuery> lookups = new LinkedHashMap<>();
    lookups.put(
        "environment",
        new LookupQuery(
            JsonNodeFactory.instance.textNode("debian/match:codename=bookworm"),
            ExpectType.ARTIFACT,
            "debian:environments"));
    lookups.put(
        "suite_collection",
        new LookupQuery(JsonNodeFactory.instance.numberNode(3), ExpectType.COLLECTION, null));
    assertEquals(
        json(
            "{'workspace': 'main', 'workflow_root_id': 40, 'lookups': {"
                + "'environment': {'lookup': 'debian/match:codename=bookworm',"
                + " 'expect_type': 'artifact', 'default_category': 'debian:environments'},"
                + "'suite_collection': {'lookup': 3, 'expect_type': 'collection'}}}"),
        TaskJson.parse(TaskJson.toTree(new LookupBatch("main", 40L, lookups)).toString()));
  }
}

package dev.kiln.scheduler.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.task.TaskJson;
import dev.kiln.task.server.lookup.ExpectType;
import dev.kiln.task.server.lookup.LookupBatch;
import dev.kiln.task.server.lookup.LookupOutcome;
import dev.kiln.task.server.lookup.LookupQuery;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the lookup client reads promises in the artifact service's answers. */
class ArtifactLookupClientTest {

  private static final String PROMISE =
      "{'result_type': 'bare', 'collection_item': {'name': 'build-amd64', 'category':"
          + " 'debusine:promise', 'data': {'promise_work_request_id': 7}}}";

  private static JsonNode json(String text) {
    return TaskJson.parse(text.replace('\'', '"'));
  }

  private static LookupBatch batch(ExpectType... types) {
    Map<String, LookupQuery> lookups = new LinkedHashMap<>();
    for (int i = 0; i < types.length; i++) {
      lookups.put(
          "q" + i,
          new LookupQuery(
              TaskJson.parse("\"internal@collections/name:build-amd64\""), types[i], null));
    }
    return new LookupBatch("main", 1L, lookups);
  }

  @Test
  void anArtifactLookupAsksForArtifactOrPromiseSoAPromiseIsNoTypeMismatch() {
    JsonNode body = ArtifactLookupClient.wireBody(batch(ExpectType.ARTIFACT, ExpectType.BARE));
    assertEquals(
        "artifact_or_promise", body.path("lookups").path("q0").path("expect_type").asText());
    assertEquals("bare", body.path("lookups").path("q1").path("expect_type").asText());
  }

  @Test
  void aPromiseWhereAnArtifactIsExpectedIsNotReady() {
    Map<String, LookupOutcome> out =
        ArtifactLookupClient.outcomes(
            batch(ExpectType.ARTIFACT, ExpectType.ARTIFACT_OR_PROMISE),
            json("{'q0': " + PROMISE + ", 'q1': " + PROMISE + "}"));
    LookupOutcome.Failed f = assertInstanceOf(LookupOutcome.Failed.class, out.get("q0"));
    assertEquals(ArtifactLookupClient.PROMISE_NOT_READY, f.code());
    assertTrue(f.message().contains("work request 7"), f::message);
    // A workflow that asks for promises gets the promise itself.
    assertInstanceOf(LookupOutcome.BareItems.class, out.get("q1"));
  }

  @Test
  void aPromiseAmongSeveralResultsIsNotReadyEither() {
    Map<String, LookupOutcome> out =
        ArtifactLookupClient.outcomes(
            batch(ExpectType.ARTIFACT),
            json(
                "{'q0': {'result_type': 'multiple', 'results': [{'result_type': 'artifact',"
                    + " 'artifact': {'id': 3, 'category': 'debian:upload', 'data': {}}}, "
                    + PROMISE
                    + "]}}"));
    assertEquals(
        ArtifactLookupClient.PROMISE_NOT_READY,
        assertInstanceOf(LookupOutcome.Failed.class, out.get("q0")).code());
  }
}

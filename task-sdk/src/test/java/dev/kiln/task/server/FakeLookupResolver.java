package dev.kiln.task.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.input.ArtifactInfo;
import dev.kiln.task.input.CollectionInfo;
import dev.kiln.task.server.lookup.LookupBatch;
import dev.kiln.task.server.lookup.LookupOutcome;
import dev.kiln.task.server.lookup.LookupResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lookup resolver that answers from a table of lookups (by their JSON text) and counts its calls.
 * Unknown lookups fail as the artifact service does ({@code lookup-failed}).
 */
public final class FakeLookupResolver implements LookupResolver {

  private final Map<String, LookupOutcome> table = new HashMap<>();
  private final List<LookupBatch> batches = new ArrayList<>();

  /** Answers this string lookup with an artifact. */
  public FakeLookupResolver artifact(String lookup, long id, String category, String... data) {
    table.put(key(lookup), new LookupOutcome.Artifact(info(id, category, data)));
    return this;
  }

  /** Answers this lookup (JSON text) with these artifacts. */
  public FakeLookupResolver artifacts(String lookupJson, ArtifactInfo... artifacts) {
    table.put(lookupJson, new LookupOutcome.Artifacts(List.of(artifacts)));
    return this;
  }

  /** Answers this string lookup with a collection. */
  public FakeLookupResolver collection(String lookup, long id, String name, String category) {
    table.put(
        key(lookup), new LookupOutcome.Collection(new CollectionInfo(id, name, category, null)));
    return this;
  }

  /** An artifact with data given as key, value, key, value... */
  public static ArtifactInfo info(long id, String category, String... data) {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i + 1 < data.length; i += 2) {
      d.put(data[i], data[i + 1]);
    }
    return new ArtifactInfo(id, category, d);
  }

  @Override
  public Map<String, LookupOutcome> resolve(LookupBatch batch) {
    batches.add(batch);
    Map<String, LookupOutcome> out = new LinkedHashMap<>();
    batch
        .lookups()
        .forEach(
            (k, q) -> {
              LookupOutcome o = table.get(q.lookup().toString());
              out.put(
                  k,
                  o != null
                      ? o
                      : new LookupOutcome.Failed(
                          "lookup-failed", "'" + q.lookup().asText() + "': nothing matches"));
            });
    return out;
  }

  /** How many times {@link #resolve} was called. */
  public int calls() {
    return batches.size();
  }

  /** The batches received, in order. */
  public List<LookupBatch> batches() {
    return batches;
  }

  private static String key(String lookup) {
    JsonNode n = JsonNodeFactory.instance.textNode(lookup);
    return n.toString();
  }
}

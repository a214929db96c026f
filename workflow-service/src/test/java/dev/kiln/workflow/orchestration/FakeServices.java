package dev.kiln.workflow.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In-memory stand-ins for the scheduler's graph endpoints and the artifact service's internal
 * collection, speaking the same JSON as the real ones (the e2e test runs the real ones): they let
 * the driver's steps, their order and their idempotency be tested without processes.
 */
final class FakeServices {

  static ObjectNode obj() {
    return TaskJson.mapper().createObjectNode();
  }

  /** The scheduler: one root workflow, mutations applied as the contract says. */
  static final class Scheduler implements SchedulerApi {
    final long rootId;
    final ObjectNode workflow = obj();
    final Map<String, ObjectNode> nodes = new LinkedHashMap<>();
    final Set<List<String>> edges = new LinkedHashSet<>();
    final Map<String, MutationResult> applied = new HashMap<>();
    final List<JsonNode> mutations = new ArrayList<>();
    final List<ObjectNode> completions = new ArrayList<>();
    int graphReads;
    RemoteCallException failNextMutation;
    private long nextId;

    Scheduler(long rootId, String taskName, ObjectNode taskData) {
      this.rootId = rootId;
      this.nextId = rootId + 1;
      workflow.put("id", rootId);
      workflow.put("task_name", taskName);
      workflow.set("task_data", taskData);
      workflow.put("status", "running");
      workflow.put("workspace", "ws");
    }

    @Override
    public JsonNode graph(long workflowId) {
      graphReads++;
      ObjectNode g = obj();
      g.set("workflow", workflow.deepCopy());
      ArrayNode n = g.putArray("nodes");
      nodes.values().forEach(x -> n.add(x.deepCopy()));
      ArrayNode e = g.putArray("edges");
      for (List<String> edge : edges) {
        e.addObject().put("work_request", edge.get(0)).put("depends_on", edge.get(1));
      }
      return g;
    }

    @Override
    public MutationResult applyMutation(long root, ObjectNode m) {
      if (failNextMutation != null) {
        RemoteCallException e = failNextMutation;
        failNextMutation = null;
        throw e;
      }
      mutations.add(m.deepCopy());
      String key = m.path("idempotency_key").asText();
      MutationResult previous = applied.get(key);
      if (previous != null) {
        return new MutationResult(true, previous.created(), previous.children());
      }
      Map<String, Long> ids = new LinkedHashMap<>();
      int created = 0;
      for (JsonNode c : m.path("children")) {
        String k = c.path("key").asText();
        ObjectNode existing = nodes.get(k);
        if (existing == null) {
          ObjectNode n = obj();
          n.put("id", nextId++);
          n.put("key", k);
          n.set("parent_key", c.get("parent"));
          n.set("task_type", c.get("task_type"));
          n.set("task_name", c.get("task_name"));
          n.set("task_data", c.get("task_data"));
          n.set("workflow_data", c.get("workflow_data"));
          n.set("on_success", c.get("on_success"));
          n.put("status", "workflow".equals(c.path("task_type").asText()) ? "running" : "blocked");
          n.putNull("result");
          n.putNull("superseded_by");
          nodes.put(k, n);
          existing = n;
          created++;
        }
        ids.put(k, existing.get("id").asLong());
      }
      for (JsonNode e : m.path("edges")) {
        edges.add(List.of(e.path("child").asText(), e.path("depends_on").asText()));
      }
      MutationResult r = new MutationResult(false, created, ids);
      applied.put(key, r);
      return r;
    }

    @Override
    public void complete(long workRequestId, String result, ObjectNode outputData) {
      ObjectNode target = workRequestId == rootId ? workflow : byId(workRequestId);
      if (!"running".equals(target.path("status").asText())) {
        throw new RemoteCallException(
            "work request " + workRequestId + " is not running", 412, null);
      }
      target.put("status", "completed");
      target.put("result", result);
      target.set("output_data", outputData);
      completions.add(obj().put("id", workRequestId).put("result", result));
    }

    @Override
    public JsonNode workRequest(long workRequestId) {
      return workRequestId == rootId ? workflow : byId(workRequestId);
    }

    ObjectNode node(String key) {
      return nodes.get(key);
    }

    long id(String key) {
      return nodes.get(key).get("id").asLong();
    }

    ObjectNode byId(long id) {
      return nodes.values().stream()
          .filter(n -> n.get("id").asLong() == id)
          .findFirst()
          .orElseThrow();
    }

    void set(String key, String status, String result) {
      nodes.get(key).put("status", status).put("result", result);
    }
  }

  /** The artifact service: the internal collection, lookups and created artifacts. */
  static class Artifacts implements ArtifactApi {
    final Map<String, ObjectNode> items = new LinkedHashMap<>();
    final Map<String, ObjectNode> lookupResults = new HashMap<>();
    final Map<Long, List<JsonNode>> created = new HashMap<>();
    int writes;
    int lookupCalls;
    int itemReads;
    private long nextArtifact = 9000;

    @Override
    public List<JsonNode> internalItems(
        String workspace, long rootId, java.util.Collection<String> names) {
      itemReads++;
      List<JsonNode> out = new ArrayList<>();
      items.values().stream()
          .filter(i -> names == null || names.contains(i.path("name").asText()))
          .forEach(i -> out.add(i.deepCopy()));
      return out;
    }

    @Override
    public void writeInternalItems(String workspace, long rootId, ArrayNode batch) {
      writes++;
      for (JsonNode i : batch) {
        String name = i.path("name").asText();
        if (items.containsKey(name) && !i.path("replace").asBoolean()) {
          continue;
        }
        ObjectNode item = obj();
        item.put("name", name);
        if (i.hasNonNull("artifact_id")) {
          long a = i.get("artifact_id").asLong();
          item.put("child_type", "artifact");
          item.put("artifact_id", a);
          item.put("category", artifactCategory(a));
        } else {
          item.put("child_type", "bare");
          item.set("category", i.get("category"));
        }
        item.set("data", i.get("data"));
        items.put(name, item);
      }
    }

    @Override
    public JsonNode lookups(String workspace, long rootId, ObjectNode lookups) {
      lookupCalls++;
      ObjectNode out = obj();
      lookups
          .fieldNames()
          .forEachRemaining(
              k -> {
                ObjectNode r = lookupResults.get(k);
                out.set(
                    k,
                    r != null
                        ? r
                        : obj().set("error", obj().put("code", "lookup-failed").put("message", k)));
              });
      return out;
    }

    int createdReads;

    /** What {@link #addCollectionItems} received: collection lookup → items, in call order. */
    final List<Map.Entry<String, ArrayNode>> collectionWrites = new ArrayList<>();

    @Override
    public void addCollectionItems(
        String workspace, long rootId, String collection, ArrayNode batch) {
      collectionWrites.add(Map.entry(collection, batch.deepCopy()));
    }

    @Override
    public Map<Long, List<JsonNode>> artifactsCreatedBy(
        String workspace, java.util.Collection<Long> workRequestIds) {
      createdReads++;
      Map<Long, List<JsonNode>> out = new LinkedHashMap<>();
      for (long id : workRequestIds) {
        if (created.containsKey(id)) {
          out.put(id, created.get(id));
        }
      }
      return out;
    }

    /** A lookup that finds an artifact. */
    void artifactLookup(String lookup, long id, String category, ObjectNode data) {
      ObjectNode r = obj().put("result_type", "artifact");
      r.set("artifact", obj().put("id", id).put("category", category).set("data", data));
      lookupResults.put(lookup, r);
    }

    /** A work request created an artifact. */
    long create(long workRequestId, String category, ObjectNode data) {
      long id = nextArtifact++;
      ObjectNode a =
          obj().put("id", id).put("category", category).put("work_request_id", workRequestId);
      a.set("data", data);
      created.computeIfAbsent(workRequestId, k -> new ArrayList<>()).add(a);
      return id;
    }

    private String artifactCategory(long id) {
      return created.values().stream()
          .flatMap(List::stream)
          .filter(a -> a.get("id").asLong() == id)
          .map(a -> a.get("category").asText())
          .findFirst()
          .orElse("unknown");
    }
  }
}

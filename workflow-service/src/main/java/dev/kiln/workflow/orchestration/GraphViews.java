package dev.kiln.workflow.orchestration;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskJson;
import dev.kiln.workflow.domain.orchestration.ChildResult;
import dev.kiln.workflow.domain.orchestration.ChildSpec;
import dev.kiln.workflow.domain.orchestration.ChildState;
import dev.kiln.workflow.domain.orchestration.ChildStatus;
import dev.kiln.workflow.domain.orchestration.EventReaction;
import dev.kiln.workflow.domain.orchestration.InternalItem;
import dev.kiln.workflow.domain.orchestration.PromiseSpec;
import dev.kiln.workflow.domain.orchestration.WorkflowData;
import dev.kiln.workflow.domain.orchestration.WorkflowView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's graph view ({@code GET /api/v1/workflows/{id}/graph}) and the artifact service's
 * internal collection, read into what orchestrators see ({@link WorkflowView}), and back: promise
 * items on the wire.
 */
public final class GraphViews {

  /** Promise item data keys (Debusine's names). */
  static final String PROMISE_WORK_REQUEST_ID = "promise_work_request_id";

  static final String PROMISE_WORKFLOW_ID = "promise_workflow_id";
  static final String PROMISE_CATEGORY = "promise_category";

  /** The scheduler may add workflow_data keys of its own; orchestrators compare only theirs. */
  private static final ObjectMapper LENIENT =
      TaskJson.mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private GraphViews() {}

  /**
   * A root workflow's graph as read.
   *
   * @param rootId the root workflow
   * @param taskName its task name
   * @param taskData its task data
   * @param workspace its workspace
   * @param status its status
   * @param children the current (not superseded) children
   * @param ids the work request of each key
   */
  public record Graph(
      long rootId,
      String taskName,
      ObjectNode taskData,
      String workspace,
      ChildStatus status,
      List<ChildState> children,
      Map<String, Long> ids) {

    /** The key of a work request of this graph, or null. */
    public String keyOf(long workRequestId) {
      for (Map.Entry<String, Long> e : ids.entrySet()) {
        if (e.getValue() == workRequestId) {
          return e.getKey();
        }
      }
      return null;
    }
  }

  /** Reads the graph view. */
  public static Graph graph(JsonNode json) {
    JsonNode wf = json.path("workflow");
    List<ChildState> children = new ArrayList<>();
    Map<String, Long> ids = new LinkedHashMap<>();
    // A retry's new work request has no key of its own: it takes the key of the one it supersedes
    // (the key follows the newest work request), in id order so chains of retries resolve.
    Map<Long, String> keys = new HashMap<>();
    Map<Long, Long> supersedes = new HashMap<>();
    for (JsonNode n : json.path("nodes")) {
      if (n.hasNonNull("superseded_by")) {
        supersedes.put(n.get("superseded_by").asLong(), n.path("id").asLong());
      }
    }
    for (JsonNode n : json.path("nodes")) {
      long id = n.path("id").asLong();
      if (n.hasNonNull("key")) {
        keys.put(id, n.get("key").asText());
      } else if (supersedes.containsKey(id) && keys.containsKey(supersedes.get(id))) {
        keys.put(id, keys.get(supersedes.get(id)));
      }
    }
    Map<String, Set<String>> deps = new HashMap<>();
    for (JsonNode e : json.path("edges")) {
      String child =
          e.hasNonNull("work_request_id")
              ? keys.get(e.get("work_request_id").asLong())
              : e.path("work_request").asText(null);
      String dependsOn =
          e.hasNonNull("depends_on_id")
              ? keys.get(e.get("depends_on_id").asLong())
              : e.path("depends_on").asText(null);
      if (child != null && dependsOn != null) {
        deps.computeIfAbsent(child, k -> new LinkedHashSet<>()).add(dependsOn);
      }
    }
    for (JsonNode n : json.path("nodes")) {
      String key = keys.get(n.path("id").asLong());
      if (key == null || n.hasNonNull("superseded_by")) {
        continue; // work requests a retry replaced (and any without a key)
      }
      ChildSpec spec =
          new ChildSpec(
              key,
              n.hasNonNull("parent_key") ? n.get("parent_key").asText() : null,
              n.path("task_type").asText(),
              n.path("task_name").asText(),
              n.path("task_data").isObject()
                  ? (ObjectNode) n.get("task_data")
                  : TaskJson.mapper().createObjectNode(),
              workflowData(n.get("workflow_data")),
              reactions(n.get("on_success")));
      ChildStatus status = LENIENT.convertValue(n.path("status"), ChildStatus.class);
      // Only a completed child has a result (an aborted one shows "").
      ChildResult result =
          status == ChildStatus.COMPLETED
              ? LENIENT.convertValue(n.get("result"), ChildResult.class)
              : null;
      children.add(
          new ChildState(
              spec, n.path("id").asLong(), deps.getOrDefault(key, Set.of()), status, result));
      ids.put(key, n.path("id").asLong());
    }
    return new Graph(
        wf.path("id").asLong(),
        wf.path("task_name").asText(),
        wf.path("task_data").isObject()
            ? (ObjectNode) wf.get("task_data")
            : TaskJson.mapper().createObjectNode(),
        wf.path("workspace").asText(),
        LENIENT.convertValue(wf.path("status"), ChildStatus.class),
        children,
        ids);
  }

  private static WorkflowData workflowData(JsonNode json) {
    if (json == null || !json.isObject()) {
      return WorkflowData.empty();
    }
    return LENIENT.convertValue(json, WorkflowData.class);
  }

  private static List<EventReaction> reactions(JsonNode json) {
    List<EventReaction> out = new ArrayList<>();
    if (json != null && json.isArray()) {
      json.forEach(r -> out.add(LENIENT.convertValue(r, EventReaction.class)));
    }
    return out;
  }

  /**
   * The internal collection's items as orchestrators see them: a {@code debusine:promise} item is a
   * promise of its producer (the key of {@code promise_work_request_id}), with the promised
   * category and its extra data; an artifact item carries its artifact id.
   */
  public static List<InternalItem> items(List<JsonNode> items, Graph graph) {
    List<InternalItem> out = new ArrayList<>(items.size());
    for (JsonNode i : items) {
      String name = i.path("name").asText();
      ObjectNode data = i.path("data").isObject() ? ((ObjectNode) i.get("data")).deepCopy() : obj();
      String category = i.path("category").asText();
      if (PromiseSpec.PROMISE_CATEGORY.equals(category)) {
        String producer = graph.keyOf(data.path(PROMISE_WORK_REQUEST_ID).asLong(-1));
        String promised = data.path(PROMISE_CATEGORY).asText(category);
        data.remove(List.of(PROMISE_WORK_REQUEST_ID, PROMISE_WORKFLOW_ID, PROMISE_CATEGORY));
        // A promise whose producer is not (or no longer) in the graph is shown as bare data.
        out.add(new InternalItem(name, promised, producer, null, data));
      } else {
        Long artifact = i.hasNonNull("artifact_id") ? i.get("artifact_id").asLong() : null;
        out.add(new InternalItem(name, category, null, artifact, data));
      }
    }
    return out;
  }

  /** What a batch lookup found, as items by lookup key: artifacts only (others are not needed). */
  public static Map<String, InternalItem> resolved(JsonNode results) {
    Map<String, InternalItem> out = new LinkedHashMap<>();
    if (results == null) {
      return out;
    }
    results
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode r = e.getValue();
              if ("artifact".equals(r.path("result_type").asText())) {
                JsonNode a = r.get("artifact");
                ObjectNode data =
                    a.path("data").isObject() ? ((ObjectNode) a.get("data")).deepCopy() : obj();
                withArchitecture(data);
                out.put(
                    e.getKey(),
                    new InternalItem(
                        e.getKey(),
                        a.path("category").asText(),
                        null,
                        a.path("id").asLong(),
                        data));
              }
            });
    return out;
  }

  /**
   * Layouts group artifacts by {@code data.architecture}; Debian's binary packages and uploads keep
   * it in their control fields ({@code deb_fields.Architecture}, a single-architecture {@code
   * changes_fields.Architecture}): copy it up when the data has none.
   */
  static void withArchitecture(ObjectNode data) {
    if (data.hasNonNull("architecture")) {
      return;
    }
    String arch = data.path("deb_fields").path("Architecture").asText("");
    if (arch.isEmpty()) {
      arch = data.path("changes_fields").path("Architecture").asText("");
    }
    if (!arch.isBlank() && !arch.trim().contains(" ")) {
      data.put("architecture", arch.trim());
    }
  }

  /**
   * The lookups in these task data that orchestrators may resolve: strings naming something outside
   * the internal collection ({@code 12@artifacts}, {@code name@category/...}) and integers in lists
   * (artifact ids), each once, keyed by the lookup as {@link WorkflowView#resolve} is asked for it.
   */
  public static ObjectNode lookupsIn(List<ObjectNode> taskData) {
    ObjectNode out = obj();
    for (ObjectNode d : taskData) {
      collect(d, false, out);
    }
    return out;
  }

  private static void collect(JsonNode node, boolean inList, ObjectNode out) {
    if (node.isTextual()) {
      String s = node.asText();
      if (s.contains("@") && !s.startsWith("internal@")) {
        out.set(s, obj().set("lookup", node));
      }
    } else if (node.isIntegralNumber() && inList) {
      out.set(node.asText(), obj().set("lookup", node));
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, true, out));
    } else if (node.isObject()) {
      node.forEach(n -> collect(n, false, out));
    }
  }

  /** The view orchestrators see. */
  public static WorkflowView view(
      Graph graph, List<InternalItem> items, Map<String, InternalItem> resolved) {
    return WorkflowView.of(
        graph.rootId(), graph.taskName(), graph.taskData(), graph.children(), items, resolved);
  }

  static ObjectNode obj() {
    return TaskJson.mapper().createObjectNode();
  }
}

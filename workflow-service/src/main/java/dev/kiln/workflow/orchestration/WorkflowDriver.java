package dev.kiln.workflow.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskJson;
import dev.kiln.workflow.domain.orchestration.BareItemSpec;
import dev.kiln.workflow.domain.orchestration.ChildSpec;
import dev.kiln.workflow.domain.orchestration.ChildState;
import dev.kiln.workflow.domain.orchestration.ChildStatus;
import dev.kiln.workflow.domain.orchestration.EventReaction;
import dev.kiln.workflow.domain.orchestration.GraphMutation;
import dev.kiln.workflow.domain.orchestration.InternalItem;
import dev.kiln.workflow.domain.orchestration.Orchestration;
import dev.kiln.workflow.domain.orchestration.OrchestrationException;
import dev.kiln.workflow.domain.orchestration.PromiseSpec;
import dev.kiln.workflow.domain.orchestration.WorkflowView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * One orchestration step against the real services, every step idempotent so that a redelivered
 * command changes nothing:
 *
 * <ol>
 *   <li>read the root's graph (one call), its internal collection (one call) and the lookups of its
 *       task data (one batch call);
 *   <li>run {@link Orchestration#populate} or {@link Orchestration#callback};
 *   <li>post the {@link GraphMutation} (the scheduler applies it once, by idempotency key);
 *   <li>write its promises and bare items to the internal collection (one call; a promise never
 *       overwrites the artifact that fulfilled it);
 *   <li>complete the callback.
 * </ol>
 *
 * <p>Promises are written after the mutation because they name their producer's work request, which
 * exists only then; a producer cannot finish before the command that created it is done, as far as
 * the orchestration is concerned: its completion event comes later on the same partition.
 *
 * <p>An {@link OrchestrationException} (bad task data) or a mutation the scheduler refuses (4xx)
 * ends the workflow, or the callback, in {@code error} with the message in {@code output_data}.
 */
public final class WorkflowDriver {

  private static final Logger LOG = Logger.getLogger(WorkflowDriver.class);
  private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z0-9_]+)\\}");

  /** What a step did. */
  public enum Outcome {
    /** The graph was extended (or nothing was new) and the step is done. */
    DONE,
    /** The command was for something already finished: nothing to do. */
    SKIPPED,
    /** The orchestration failed: the workflow (or callback) ended in error. */
    FAILED
  }

  private final Orchestration orchestration;
  private final SchedulerApi scheduler;
  private final ArtifactApi artifacts;
  private final ReactionCache reactions;

  public WorkflowDriver(
      Orchestration orchestration,
      SchedulerApi scheduler,
      ArtifactApi artifacts,
      int cachedWorkflows) {
    this.orchestration = orchestration;
    this.scheduler = scheduler;
    this.artifacts = artifacts;
    this.reactions = new ReactionCache(cachedWorkflows);
  }

  /** {@code workflow.orchestrate.v1} kind {@code workflow}: populates the root workflow. */
  public Outcome populate(long rootId) {
    GraphViews.Graph graph = GraphViews.graph(scheduler.graph(rootId));
    reactions.remember(graph);
    if (graph.status() != ChildStatus.RUNNING) {
      LOG.debugf("workflow %d is %s: nothing to populate", rootId, graph.status());
      return Outcome.SKIPPED;
    }
    WorkflowView view = view(graph);
    GraphMutation mutation;
    try {
      mutation = orchestration.populate(view);
    } catch (OrchestrationException e) {
      return fail(rootId, rootId, e.getMessage());
    }
    return apply(graph, mutation, rootId, rootId);
  }

  /**
   * {@code workflow.orchestrate.v1} kind {@code callback}: runs the callback's step and completes
   * it.
   */
  public Outcome callback(long rootId, long callbackId) {
    GraphViews.Graph graph = GraphViews.graph(scheduler.graph(rootId));
    reactions.remember(graph);
    String key = graph.keyOf(callbackId);
    Optional<ChildState> callback =
        graph.children().stream().filter(c -> c.workRequestId() == callbackId).findFirst();
    if (key == null || callback.isEmpty()) {
      LOG.warnf("callback %d is not in the graph of workflow %d", callbackId, rootId);
      return Outcome.SKIPPED;
    }
    if (callback.get().status() != ChildStatus.RUNNING) {
      LOG.debugf("callback %d is %s: already run", callbackId, callback.get().status());
      return Outcome.SKIPPED;
    }
    GraphMutation mutation;
    try {
      mutation = orchestration.callback(view(graph), key);
    } catch (OrchestrationException e) {
      return fail(rootId, callbackId, e.getMessage());
    }
    Outcome outcome = apply(graph, mutation, rootId, callbackId);
    if (outcome == Outcome.DONE) {
      complete(callbackId, "success", GraphViews.obj());
    }
    return outcome;
  }

  /**
   * {@code work-request.completed.v1} with success: runs the child's {@code
   * update-collection-with-artifacts} reactions on the internal collection, replacing its promise
   * by the artifacts it created. Returns the items written (0 when it has none or all are there).
   */
  public int fulfil(long rootId, long workRequestId) {
    return fulfil(rootId, List.of(workRequestId));
  }

  /**
   * The successes of many children of one root workflow (the completion events of one Kafka poll)
   * together: their reactions from the cache (a miss reads the graph once), ONE listing of the
   * artifacts they created, ONE read of the items those name and ONE write — a few calls whatever
   * the number of children (long listings are split to keep each request line short). Returns the
   * items written.
   */
  public int fulfil(long rootId, java.util.Collection<Long> workRequestIds) {
    Map<Long, ReactionCache.Entry> entries = new LinkedHashMap<>();
    List<Long> misses = new ArrayList<>();
    for (long id : new java.util.LinkedHashSet<>(workRequestIds)) {
      Optional<ReactionCache.Entry> e = reactions.find(rootId, id);
      if (e.isPresent()) {
        entries.put(id, e.get());
      } else {
        misses.add(id);
      }
    }
    if (!misses.isEmpty()) {
      GraphViews.Graph graph = GraphViews.graph(scheduler.graph(rootId));
      reactions.remember(graph);
      // not found again: not a child of this workflow (or the root itself)
      misses.forEach(id -> reactions.find(rootId, id).ifPresent(e -> entries.put(id, e)));
    }
    Map<Long, List<EventReaction>> internal = new LinkedHashMap<>();
    Map<Long, List<EventReaction>> named = new LinkedHashMap<>();
    String workspace = null;
    for (Map.Entry<Long, ReactionCache.Entry> e : entries.entrySet()) {
      for (EventReaction r : e.getValue().onSuccess()) {
        if (!EventReaction.UPDATE_COLLECTION_WITH_ARTIFACTS.equals(r.action())) {
          continue;
        }
        if (EventReaction.INTERNAL_COLLECTION.equals(r.collection())) {
          internal.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(r);
        } else {
          named.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(r);
        }
        workspace = e.getValue().workspace(); // one root workflow: one workspace
      }
    }
    if (internal.isEmpty() && named.isEmpty()) {
      return 0;
    }
    java.util.Set<Long> producers = new java.util.LinkedHashSet<>(internal.keySet());
    producers.addAll(named.keySet());
    Map<Long, List<JsonNode>> created = artifacts.artifactsCreatedBy(workspace, producers);
    int written = addToNamedCollections(rootId, workspace, named, created);
    if (internal.isEmpty()) {
      return written;
    }
    // Which artifact each item name gets (the first that matches), then one read of those items.
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    int unmatched = 0;
    for (Map.Entry<Long, List<EventReaction>> e : internal.entrySet()) {
      List<JsonNode> made = created.getOrDefault(e.getKey(), List.of());
      // within one producer the first match wins; a later producer's success wins over an
      // earlier one's, as when the events are handled one by one
      Map<String, JsonNode> own = new LinkedHashMap<>();
      for (EventReaction r : e.getValue()) {
        boolean found = false;
        for (JsonNode a : made) {
          if (matches(a, r.artifactFilters())) {
            found = true;
            String name = expand(r, a);
            if (name != null) {
              own.putIfAbsent(name, a);
            }
          }
        }
        if (!found) {
          unmatched++;
          LOG.debugf(
              "work request %d succeeded without an artifact for %s %s: its promise stays",
              e.getKey(), r.nameTemplate(), r.artifactFilters());
        }
      }
      byName.putAll(own);
    }
    if (unmatched > 0) {
      LOG.warnf(
          "workflow %d: %d reactions of %d children found no artifact: their promises stay",
          rootId, unmatched, internal.size());
    }
    if (byName.isEmpty()) {
      return written;
    }
    Map<String, JsonNode> current = new HashMap<>();
    for (JsonNode i : artifacts.internalItems(workspace, rootId, byName.keySet())) {
      current.put(i.path("name").asText(), i);
    }
    ArrayNode items = TaskJson.mapper().createArrayNode();
    for (Map.Entry<String, JsonNode> e : byName.entrySet()) {
      String name = e.getKey();
      JsonNode a = e.getValue();
      JsonNode existing = current.get(name);
      if (existing != null && existing.path("artifact_id").asLong(-1) == a.path("id").asLong()) {
        continue; // fulfilled already (a redelivered event)
      }
      ObjectNode item = items.addObject();
      item.put("name", name);
      item.put("artifact_id", a.path("id").asLong());
      // The item keeps the promise's extra data (e.g. architecture): what layouts group by.
      ObjectNode data = GraphViews.obj();
      if (existing != null && existing.path("data").isObject()) {
        data.setAll((ObjectNode) existing.get("data"));
        data.remove(
            List.of(
                GraphViews.PROMISE_WORK_REQUEST_ID,
                GraphViews.PROMISE_WORKFLOW_ID,
                GraphViews.PROMISE_CATEGORY));
      }
      item.set("data", data);
      item.put("replace", true);
    }
    if (!items.isEmpty()) {
      artifacts.writeInternalItems(workspace, rootId, items);
    }
    return written + items.size();
  }

  /**
   * The reactions on named collections of the workspace (e.g. {@code update_environments}' tarballs
   * into {@code <vendor>@debian:environments}): every matching artifact becomes an item named by
   * the template (or by the collection's category when there is none) with the reaction's variables
   * as its data, replacing an active item of that name. One batch write per collection; a
   * redelivered event writes the same items again, which replaces them by themselves.
   */
  private int addToNamedCollections(
      long rootId,
      String workspace,
      Map<Long, List<EventReaction>> named,
      Map<Long, List<JsonNode>> created) {
    Map<String, ArrayNode> byCollection = new LinkedHashMap<>();
    for (Map.Entry<Long, List<EventReaction>> e : named.entrySet()) {
      for (EventReaction r : e.getValue()) {
        for (JsonNode a : created.getOrDefault(e.getKey(), List.of())) {
          if (!matches(a, r.artifactFilters())) {
            continue;
          }
          ObjectNode item =
              byCollection
                  .computeIfAbsent(r.collection(), c -> TaskJson.mapper().createArrayNode())
                  .addObject();
          item.put("artifact_id", a.path("id").asLong());
          String name = expand(r, a);
          if (name != null) {
            item.put("name", name);
          }
          ObjectNode data = item.putObject("data");
          if (r.variables() != null) {
            r.variables().forEach(data::put);
          }
          item.put("replace", true);
        }
      }
    }
    int written = 0;
    for (Map.Entry<String, ArrayNode> e : byCollection.entrySet()) {
      artifacts.addCollectionItems(workspace, rootId, e.getKey(), e.getValue());
      written += e.getValue().size();
    }
    return written;
  }

  /** Forgets a finished workflow's cached reactions. */
  public void forget(long rootId) {
    reactions.forget(rootId);
  }

  private WorkflowView view(GraphViews.Graph graph) {
    List<InternalItem> items =
        GraphViews.items(artifacts.internalItems(graph.workspace(), graph.rootId(), null), graph);
    List<ObjectNode> data = new ArrayList<>();
    data.add(graph.taskData());
    for (ChildState c : graph.children()) {
      if (c.spec().isWorkflow()) {
        data.add(c.spec().taskData());
      }
    }
    ObjectNode lookups = GraphViews.lookupsIn(data);
    Map<String, InternalItem> resolved =
        lookups.isEmpty()
            ? Map.of()
            : GraphViews.resolved(artifacts.lookups(graph.workspace(), graph.rootId(), lookups));
    return GraphViews.view(graph, items, resolved);
  }

  private Outcome apply(
      GraphViews.Graph graph, GraphMutation mutation, long rootId, long failTarget) {
    if (mutation.isEmpty()) {
      return Outcome.DONE;
    }
    Map<String, Long> ids = new LinkedHashMap<>(graph.ids());
    if (!mutation.children().isEmpty() || !mutation.edges().isEmpty()) {
      SchedulerApi.MutationResult result;
      try {
        result = scheduler.applyMutation(rootId, mutation.toJson());
      } catch (RemoteCallException e) {
        if (e.retryable()) {
          throw e;
        }
        return fail(
            rootId, failTarget, "the scheduler refused the graph mutation: " + e.getMessage());
      }
      ids.putAll(result.children());
      LOG.infof(
          "workflow %d: %s created %d children%s",
          rootId, mutation.trigger(), result.created(), result.duplicate() ? " (duplicate)" : "");
      Map<String, ChildSpec> created = new HashMap<>();
      mutation.children().forEach(c -> created.put(c.key(), c));
      reactions.add(rootId, graph.workspace(), created, ids);
    }
    // The (sub-)workflow each child belongs to, by key: new children and those of the graph.
    Map<String, String> parents = new HashMap<>();
    graph.children().forEach(c -> parents.put(c.key(), c.parent()));
    mutation.children().forEach(c -> parents.put(c.key(), c.parent()));
    ArrayNode items = TaskJson.mapper().createArrayNode();
    for (PromiseSpec p : mutation.promises()) {
      Long producer = ids.get(p.producer());
      if (producer == null) {
        return fail(
            rootId,
            failTarget,
            "the producer " + p.producer() + " of " + p.name() + " has no work request");
      }
      ObjectNode item = items.addObject();
      item.put("name", p.name());
      item.put("category", PromiseSpec.PROMISE_CATEGORY);
      ObjectNode data = p.data().deepCopy();
      data.put(GraphViews.PROMISE_WORK_REQUEST_ID, producer);
      String parent = parents.get(p.producer());
      data.put(
          GraphViews.PROMISE_WORKFLOW_ID,
          parent == null ? rootId : ids.getOrDefault(parent, rootId));
      data.put(GraphViews.PROMISE_CATEGORY, p.category());
      item.set("data", data);
      item.put("replace", false);
    }
    for (BareItemSpec b : mutation.bareItems()) {
      ObjectNode item = items.addObject();
      item.put("name", b.name());
      item.put("category", b.category());
      item.set("data", b.data());
      item.put("replace", true);
    }
    if (!items.isEmpty()) {
      artifacts.writeInternalItems(graph.workspace(), rootId, items);
    }
    return Outcome.DONE;
  }

  private Outcome fail(long rootId, long target, String message) {
    LOG.errorf("workflow %d: orchestration failed: %s", rootId, message);
    ObjectNode output = GraphViews.obj();
    ObjectNode error = output.putArray("errors").addObject();
    error.put("code", "orchestration-failed");
    error.put("message", message);
    complete(target, "error", output);
    return Outcome.FAILED;
  }

  /** Completes a work request; one that is completed already (a redelivery) is left as it is. */
  private void complete(long workRequestId, String result, ObjectNode output) {
    try {
      scheduler.complete(workRequestId, result, output);
    } catch (RemoteCallException e) {
      if (e.retryable()) {
        throw e;
      }
      JsonNode wr = scheduler.workRequest(workRequestId);
      String status = wr.path("status").asText();
      if (!"completed".equals(status) && !"aborted".equals(status)) {
        throw e;
      }
      LOG.debugf("work request %d is %s already", workRequestId, status);
    }
  }

  private static boolean matches(JsonNode artifact, Map<String, String> filters) {
    if (filters == null) {
      return true;
    }
    for (Map.Entry<String, String> f : filters.entrySet()) {
      String actual =
          "category".equals(f.getKey())
              ? artifact.path("category").asText()
              : artifact.path("data").path(f.getKey().replaceFirst("^data__", "")).asText(null);
      if (!f.getValue().equals(actual)) {
        return false;
      }
    }
    return true;
  }

  /** The item name: the template with {@code {var}} from the variables, else the artifact data. */
  static String expand(EventReaction r, JsonNode artifact) {
    if (r.nameTemplate() == null) {
      return null;
    }
    Matcher m = VARIABLE.matcher(r.nameTemplate());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String var = m.group(1);
      String value =
          r.variables() != null && r.variables().containsKey(var)
              ? r.variables().get(var)
              : artifact.path("data").path(var).asText("");
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}

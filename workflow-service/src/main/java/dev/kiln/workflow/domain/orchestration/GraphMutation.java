package dev.kiln.workflow.domain.orchestration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One change to a root workflow's graph, as the workflow service sends it to the scheduler: the
 * children to ensure (by stable key), the dependency edges (by key), the promises and runtime data
 * for the internal collection. The scheduler applies it in ONE transaction, all or nothing:
 *
 * <ul>
 *   <li>a mutation whose {@code idempotency_key} it has applied before is a no-op;
 *   <li>a child whose key exists with the same spec is left alone (ensure-child); the same key with
 *       another spec rejects the whole mutation;
 *   <li>an edge or promise that exists is left alone; a bare item replaces one of the same name;
 *   <li>new children start {@code blocked} (sub-workflows {@code running}) and are unblocked as
 *       their dependencies allow.
 * </ul>
 *
 * <p>The idempotency key is derived from the workflow, the trigger and the content, so the same
 * orchestration of the same state (a redelivered event, a re-run populate) yields the same key.
 * Wire form: {@code commands/workflow-graph-mutation.v1.schema.json} in api-contracts.
 *
 * @param workflowId the root workflow's work request
 * @param trigger what produced it: {@code populate} or {@code callback:<key>}
 * @param idempotencyKey {@code wf-<id>/<trigger>/<sha256 of the content>}
 * @param children the children to ensure, parents before their children
 * @param edges the dependencies to add
 * @param promises the promises to add
 * @param bareItems the runtime data to write
 */
public record GraphMutation(
    long workflowId,
    String trigger,
    String idempotencyKey,
    List<ChildSpec> children,
    List<Edge> edges,
    List<PromiseSpec> promises,
    List<BareItemSpec> bareItems) {

  /** The command type on the wire. */
  public static final String COMMAND_TYPE = "workflow.graph-mutation.v1";

  /** Checks the parts. */
  public GraphMutation {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    children = List.copyOf(children);
    edges = List.copyOf(edges);
    promises = List.copyOf(promises);
    bareItems = List.copyOf(bareItems);
  }

  /** A mutation whose idempotency key is derived from its content. */
  public static GraphMutation of(
      long workflowId,
      String trigger,
      List<ChildSpec> children,
      List<Edge> edges,
      List<PromiseSpec> promises,
      List<BareItemSpec> bareItems) {
    ObjectNode content = TaskJson.mapper().createObjectNode();
    content.set("children", TaskJson.toTree(children));
    content.set("edges", TaskJson.toTree(edges));
    content.set("promises", TaskJson.toTree(promises));
    content.set("bare_items", TaskJson.toTree(bareItems));
    String key = "wf-" + workflowId + "/" + trigger + "/" + sha256(content.toString());
    return new GraphMutation(workflowId, trigger, key, children, edges, promises, bareItems);
  }

  /** Whether it changes nothing. */
  @JsonIgnore
  public boolean isEmpty() {
    return children.isEmpty() && edges.isEmpty() && promises.isEmpty() && bareItems.isEmpty();
  }

  /** The wire form (snake_case JSON). */
  public ObjectNode toJson() {
    return TaskJson.toObject(this);
  }

  /** Reads the wire form. */
  public static GraphMutation fromJson(JsonNode json) {
    try {
      return TaskJson.mapper().treeToValue(json, GraphMutation.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a graph mutation: " + e.getOriginalMessage(), e);
    }
  }

  private static String sha256(String text) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}

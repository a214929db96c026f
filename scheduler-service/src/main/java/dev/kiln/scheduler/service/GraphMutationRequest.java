package dev.kiln.scheduler.service;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * A change to a root workflow's graph, as the workflow service posts it: the wire form of {@code
 * commands/workflow-graph-mutation.v1.schema.json} (api-contracts). Unknown properties are ignored
 * (additive changes within v1). The promises and bare items are for the internal collection, which
 * the workflow service writes itself; the scheduler only counts them in the mutation's identity.
 *
 * @param workflowId the root workflow; must be the one of the path
 * @param trigger {@code populate} or {@code callback:<key>}
 * @param idempotencyKey a repeated key answers what the first application did
 * @param children the children to ensure, each parent before its children
 * @param edges the dependencies to add, by key
 * @param promises the promises written to the internal collection (not stored here)
 * @param bareItems the runtime data written to the internal collection (not stored here)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GraphMutationRequest(
    Long workflowId,
    String trigger,
    String idempotencyKey,
    List<Child> children,
    List<Edge> edges,
    List<Map<String, Object>> promises,
    List<Map<String, Object>> bareItems) {

  /**
   * One child to ensure.
   *
   * @param key stable key, unique in the root workflow
   * @param parent the key of the sub-workflow it belongs to; null for a child of the root
   * @param onSuccess the event reactions the workflow service runs when it succeeds
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Child(
      String key,
      String parent,
      String taskType,
      String taskName,
      Map<String, Object> taskData,
      Map<String, Object> workflowData,
      List<Map<String, Object>> onSuccess) {}

  /**
   * {@code child} waits for {@code dependsOn}, both keys of the root workflow.
   *
   * @param child the dependent
   * @param dependsOn its dependency
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Edge(String child, String dependsOn) {}

  /**
   * The answer: stored with the idempotency key and returned again (with {@code duplicate}) when
   * the key repeats.
   *
   * @param duplicate whether the key was applied before (nothing changed now)
   * @param created how many children the first application created
   * @param children the work request of every key of the mutation
   */
  public record Result(boolean duplicate, int created, Map<String, Long> children) {}
}

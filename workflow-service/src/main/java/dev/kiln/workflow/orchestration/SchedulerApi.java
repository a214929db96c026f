package dev.kiln.workflow.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** What orchestration needs of the scheduler (its graph endpoints and completion). */
public interface SchedulerApi {

  /** {@code GET /api/v1/workflows/{id}/graph}. */
  JsonNode graph(long workflowId);

  /** {@code POST /api/v1/workflows/{rootId}/graph-mutations}. */
  MutationResult applyMutation(long rootId, ObjectNode mutation);

  /** {@code POST /api/v1/work-requests/{id}/complete}. */
  void complete(long workRequestId, String result, ObjectNode outputData);

  /** {@code GET /api/v1/work-requests/{id}}. */
  JsonNode workRequest(long workRequestId);

  /**
   * The scheduler's answer to a mutation.
   *
   * @param duplicate whether its idempotency key had been applied before
   * @param created children created
   * @param children the work request of every key of the mutation
   */
  record MutationResult(boolean duplicate, int created, Map<String, Long> children) {}
}

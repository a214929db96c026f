package dev.kiln.workflow.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.task.TaskJson;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The scheduler's graph endpoints, as the workflow service (KILN_WORKFLOW_SERVICE_TOKEN). */
@ApplicationScoped
public class SchedulerGraphClient implements SchedulerApi {

  @Inject OrchestrationConfig config;

  /** The token the scheduler knows the workflow service by. */
  @ConfigProperty(name = "kiln.auth.workflow-service-token")
  Optional<String> token;

  private JsonHttp http;

  @PostConstruct
  void init() {
    http = new JsonHttp(config.callTimeout());
  }

  private String token() {
    return token
        .filter(t -> !t.isBlank())
        .orElseThrow(
            () ->
                new RemoteCallException(
                    "KILN_WORKFLOW_SERVICE_TOKEN is not set: the scheduler cannot be called",
                    0,
                    null));
  }

  @Override
  public JsonNode graph(long workflowId) {
    return http.get(config.schedulerUrl() + "/api/v1/workflows/" + workflowId + "/graph", token());
  }

  @Override
  public MutationResult applyMutation(long rootId, ObjectNode mutation) {
    JsonNode r =
        http.post(
            config.schedulerUrl() + "/api/v1/workflows/" + rootId + "/graph-mutations",
            token(),
            mutation);
    Map<String, Long> children = new LinkedHashMap<>();
    r.path("children")
        .fields()
        .forEachRemaining(e -> children.put(e.getKey(), e.getValue().asLong()));
    return new MutationResult(
        r.path("duplicate").asBoolean(false), r.path("created").asInt(0), children);
  }

  @Override
  public void complete(long workRequestId, String result, ObjectNode outputData) {
    ObjectNode body = TaskJson.mapper().createObjectNode();
    body.put("result", result);
    body.set("output_data", outputData);
    http.post(
        config.schedulerUrl() + "/api/v1/work-requests/" + workRequestId + "/complete",
        token(),
        body);
  }

  @Override
  public JsonNode workRequest(long workRequestId) {
    return http.get(config.schedulerUrl() + "/api/v1/work-requests/" + workRequestId, token());
  }
}

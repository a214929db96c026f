package dev.kiln.workflow.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.auth.UserRole;
import dev.kiln.common.auth.UserToken;
import dev.kiln.task.TaskJson;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The artifact service's internal-collection, lookup and artifact-listing endpoints.
 *
 * <p>Credential: like the scheduler's lookups, a short-lived user token the service signs for the
 * one workspace of the workflow, as its owner (the internal collection is created on first write),
 * verified offline by the artifact service; no administrator token travels on this path.
 */
@ApplicationScoped
public class ArtifactCollectionClient implements ArtifactApi {

  /** The name the workflow service's writes carry in the artifact service's audit. */
  static final String USER = "kiln-workflow-service";

  @Inject OrchestrationConfig config;

  @ConfigProperty(name = "kiln.auth.work-request-token-secret")
  String tokenSecret;

  private JsonHttp http;

  @PostConstruct
  void init() {
    http = new JsonHttp(config.callTimeout());
  }

  private String token(String workspace) {
    Instant now = Instant.now();
    return new UserToken(
            USER, Map.of(workspace, UserRole.OWNER), now, now.plus(Duration.ofMinutes(5)))
        .sign(tokenSecret);
  }

  private String internal(long rootId) {
    return config.artifactUrl() + "/api/v1/workflows/" + rootId + "/internal-collection/items";
  }

  @Override
  public List<JsonNode> internalItems(String workspace, long rootId, Collection<String> names) {
    StringBuilder url =
        new StringBuilder(internal(rootId))
            .append("?workspace=")
            .append(URLEncoder.encode(workspace, StandardCharsets.UTF_8));
    if (names != null) {
      names.forEach(n -> url.append("&name=").append(URLEncoder.encode(n, StandardCharsets.UTF_8)));
    }
    JsonNode r = http.get(url.toString(), token(workspace));
    List<JsonNode> out = new ArrayList<>();
    r.forEach(out::add);
    return out;
  }

  @Override
  public void writeInternalItems(String workspace, long rootId, ArrayNode items) {
    ObjectNode body = TaskJson.mapper().createObjectNode();
    body.put("workspace", workspace);
    body.set("items", items);
    http.post(internal(rootId), token(workspace), body);
  }

  @Override
  public JsonNode lookups(String workspace, long rootId, ObjectNode lookups) {
    ObjectNode body = TaskJson.mapper().createObjectNode();
    body.put("workspace", workspace);
    body.put("workflow_root_id", rootId);
    body.set("lookups", lookups);
    return http.post(config.artifactUrl() + "/api/v1/lookups", token(workspace), body)
        .path("results");
  }

  @Override
  public List<JsonNode> artifactsCreatedBy(String workspace, long workRequestId) {
    JsonNode r =
        http.get(
            config.artifactUrl() + "/api/v1/artifacts?created_by_work_request=" + workRequestId,
            token(workspace));
    List<JsonNode> out = new ArrayList<>();
    r.forEach(out::add);
    return out;
  }
}

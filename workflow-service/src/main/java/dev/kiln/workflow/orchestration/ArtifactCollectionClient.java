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

  /**
   * How long the query string of one GET may grow: the HTTP server refuses request lines past 4 KiB
   * (Vert.x's default), so many names or ids are read in a few calls of this size.
   */
  static final int MAX_QUERY_CHARS = 3_000;

  @Override
  public List<JsonNode> internalItems(String workspace, long rootId, Collection<String> names) {
    String base =
        internal(rootId) + "?workspace=" + URLEncoder.encode(workspace, StandardCharsets.UTF_8);
    List<JsonNode> out = new ArrayList<>();
    if (names == null) {
      http.get(base, token(workspace)).forEach(out::add);
      return out;
    }
    for (String query : queries("name", names)) {
      http.get(base + "&" + query, token(workspace)).forEach(out::add);
    }
    return out;
  }

  /** {@code name=v&name=w…} in as few query strings of at most {@link #MAX_QUERY_CHARS} as fit. */
  static List<String> queries(String name, Collection<?> values) {
    List<String> out = new ArrayList<>();
    StringBuilder q = new StringBuilder();
    for (Object v : values) {
      String part = name + "=" + URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8);
      if (q.length() > 0 && q.length() + 1 + part.length() > MAX_QUERY_CHARS) {
        out.add(q.toString());
        q.setLength(0);
      }
      q.append(q.length() == 0 ? "" : "&").append(part);
    }
    if (q.length() > 0) {
      out.add(q.toString());
    }
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
  public void addCollectionItems(
      String workspace, long rootId, String collection, ArrayNode items) {
    ObjectNode lookups = TaskJson.mapper().createObjectNode();
    ObjectNode item = lookups.putObject("collection");
    item.put("lookup", collection);
    item.put("expect_type", "collection");
    JsonNode found = lookups(workspace, rootId, lookups).path("collection");
    if (found.hasNonNull("error") || !found.path("collection").hasNonNull("id")) {
      throw new IllegalStateException(
          "collection "
              + collection
              + " in workspace "
              + workspace
              + ": "
              + found.path("error").path("message").asText("not found"));
    }
    ObjectNode body = TaskJson.mapper().createObjectNode();
    body.set("items", items);
    http.post(
        config.artifactUrl()
            + "/api/v1/collections/"
            + found.path("collection").path("id").asLong()
            + "/items/batch",
        token(workspace),
        body);
  }

  @Override
  public Map<Long, List<JsonNode>> artifactsCreatedBy(
      String workspace, Collection<Long> workRequestIds) {
    Map<Long, List<JsonNode>> out = new java.util.LinkedHashMap<>();
    for (String query : queries("created_by_work_request", workRequestIds)) {
      http.get(config.artifactUrl() + "/api/v1/artifacts?" + query, token(workspace))
          .forEach(
              a ->
                  out.computeIfAbsent(a.path("work_request_id").asLong(), k -> new ArrayList<>())
                      .add(a));
    }
    return out;
  }
}

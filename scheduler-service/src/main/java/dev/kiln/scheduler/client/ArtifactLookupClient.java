package dev.kiln.scheduler.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.common.auth.UserRole;
import dev.kiln.common.auth.UserToken;
import dev.kiln.scheduler.config.SchedulerConfig;
import dev.kiln.task.TaskJson;
import dev.kiln.task.input.ArtifactInfo;
import dev.kiln.task.input.CollectionInfo;
import dev.kiln.task.server.lookup.ExpectType;
import dev.kiln.task.server.lookup.LookupBatch;
import dev.kiln.task.server.lookup.LookupOutcome;
import dev.kiln.task.server.lookup.LookupQuery;
import dev.kiln.task.server.lookup.LookupResolver;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The task model's {@link LookupResolver}: a client of the artifact service's batch lookup API
 * ({@code POST /api/v1/lookups}), one HTTP call per batch.
 *
 * <p>Credential: a work request token the scheduler signs for the batch's workspace (work request
 * 0, attempt 0: the scheduler itself), valid a few minutes. The artifact service verifies it
 * offline and confines it to that workspace ({@code ArtifactAccess.checkRead}), so a lookup of one
 * workspace's work request can never see another workspace, and no administrator token travels on
 * this path. (Debusine runs lookups as the work request's creator; Kiln has no workspace members
 * yet, so the workspace is the boundary.)
 *
 * <p>A transport failure, a timeout or a non-200 answer throws {@link LookupUnavailableException}:
 * the caller retries later. Each lookup's own failure is a {@link LookupOutcome.Failed}.
 */
@ApplicationScoped
public class ArtifactLookupClient implements LookupResolver {

  /**
   * The name the scheduler's lookups carry: the artifact service lets this reserved user search a
   * work request's whole workspace inheritance chain (and logs and audits it by that name).
   */
  static final String LOOKUP_USER = dev.kiln.common.auth.UserToken.PREPARATION_USER;

  /**
   * The code of a lookup that expects an artifact and finds a {@code debusine:promise} of it: the
   * producer has not succeeded yet (or its reaction has not replaced the promise yet), so the work
   * request is not ready, which is no error of it. Preparation retries it later.
   */
  public static final String PROMISE_NOT_READY = "promise-not-ready";

  static final String PROMISE_CATEGORY = "debusine:promise";

  @Inject SchedulerConfig config;

  @ConfigProperty(name = "kiln.auth.work-request-token-secret")
  String tokenSecret;

  private HttpClient http;

  @PostConstruct
  void init() {
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.lookupTimeout())
            .build();
  }

  @Override
  public Map<String, LookupOutcome> resolve(LookupBatch batch) {
    // The scheduler reads the workspace as a viewer: a short-lived user token of its own, which the
    // artifact service verifies offline (work request tokens may not run lookups).
    Instant now = Instant.now();
    String token =
        new UserToken(
                LOOKUP_USER,
                Map.of(batch.workspace(), UserRole.VIEWER),
                now,
                now.plus(config.lookupTokenValidity()))
            .sign(tokenSecret);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(config.artifactUrl() + "/api/v1/lookups"))
            .timeout(config.lookupTimeout())
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    wireBody(batch).toString(), StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new LookupUnavailableException("the artifact service cannot be reached: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LookupUnavailableException("interrupted while looking up", e);
    }
    if (response.statusCode() != 200) {
      throw new LookupUnavailableException(
          "the artifact service answered the lookups with HTTP "
              + response.statusCode()
              + ": "
              + abbreviate(response.body()),
          null);
    }
    JsonNode results;
    try {
      results = TaskJson.mapper().readTree(response.body()).path("results");
    } catch (IOException e) {
      throw new LookupUnavailableException("the lookup answer is not JSON", e);
    }
    return outcomes(batch, results);
  }

  /**
   * The batch as the API takes it. A lookup expecting artifacts asks for {@code
   * artifact_or_promise}, so a promise in a workflow's internal collection comes back as such (and
   * is answered {@link #PROMISE_NOT_READY}) instead of as a type mismatch that would fail the work
   * request.
   */
  static JsonNode wireBody(LookupBatch batch) {
    JsonNode body = TaskJson.toTree(batch);
    body.path("lookups")
        .forEach(
            q -> {
              if (q.path("expect_type").asText().equals(ExpectType.ARTIFACT.wire())) {
                ((ObjectNode) q).put("expect_type", ExpectType.ARTIFACT_OR_PROMISE.wire());
              }
            });
    return body;
  }

  /** The outcome of each lookup of the batch, from the {@code results} of the API's answer. */
  static Map<String, LookupOutcome> outcomes(LookupBatch batch, JsonNode results) {
    Map<String, LookupOutcome> out = new LinkedHashMap<>();
    for (Map.Entry<String, LookupQuery> e : batch.lookups().entrySet()) {
      JsonNode r = results.get(e.getKey());
      if (r != null && !r.isNull()) {
        out.put(e.getKey(), outcome(e.getValue(), r));
      }
    }
    return out;
  }

  private static LookupOutcome outcome(LookupQuery query, JsonNode r) {
    JsonNode error = r.get("error");
    if (error != null && !error.isNull()) {
      return new LookupOutcome.Failed(
          error.path("code").asText("lookup-failed"), error.path("message").asText(""));
    }
    String type = r.path("result_type").asText();
    if (query.expectType() == ExpectType.ARTIFACT) {
      Optional<JsonNode> promise = promise(r);
      if (promise.isPresent()) {
        JsonNode item = promise.get();
        return new LookupOutcome.Failed(
            PROMISE_NOT_READY,
            "'"
                + item.path("name").asText()
                + "' is still a promise of work request "
                + item.path("data").path("promise_work_request_id").asText("?")
                + ": not ready");
      }
    }
    switch (type) {
      case "artifact":
        return new LookupOutcome.Artifact(artifact(r.get("artifact")));
      case "collection":
        return new LookupOutcome.Collection(collection(r.get("collection")));
      case "bare":
        return new LookupOutcome.BareItems(List.of(r.path("collection_item").path("data")));
      case "multiple":
        List<ArtifactInfo> artifacts = new ArrayList<>();
        List<JsonNode> bare = new ArrayList<>();
        Iterator<JsonNode> it = r.path("results").elements();
        while (it.hasNext()) {
          JsonNode one = it.next();
          String t = one.path("result_type").asText();
          if (t.equals("artifact")) {
            artifacts.add(artifact(one.get("artifact")));
          } else if (t.equals("bare")) {
            bare.add(one.path("collection_item").path("data"));
          } else {
            return new LookupOutcome.Failed(
                "lookup-failed", "the lookup found a " + t + " among its results");
          }
        }
        if (!artifacts.isEmpty() && !bare.isEmpty()) {
          return new LookupOutcome.Failed(
              "lookup-failed", "the lookup found both artifacts and bare items");
        }
        return query.expectType() == ExpectType.BARE || !bare.isEmpty()
            ? new LookupOutcome.BareItems(bare)
            : new LookupOutcome.Artifacts(artifacts);
      default:
        return new LookupOutcome.Failed(
            "lookup-failed", "the lookup service answered an unknown result type '" + type + "'");
    }
  }

  /** The first promise among the result (a bare item, or one of several results). */
  private static Optional<JsonNode> promise(JsonNode r) {
    if (r.path("result_type").asText().equals("bare")
        && PROMISE_CATEGORY.equals(r.path("collection_item").path("category").asText())) {
      return Optional.of(r.path("collection_item"));
    }
    for (JsonNode one : r.path("results")) {
      Optional<JsonNode> p = promise(one);
      if (p.isPresent()) {
        return p;
      }
    }
    return Optional.empty();
  }

  private static ArtifactInfo artifact(JsonNode a) {
    return new ArtifactInfo(a.path("id").asLong(), a.path("category").asText(), a.get("data"));
  }

  private static CollectionInfo collection(JsonNode c) {
    return new CollectionInfo(
        c.path("id").asLong(), c.path("name").asText(), c.path("category").asText(), c.get("data"));
  }

  private static String abbreviate(String body) {
    return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body;
  }
}

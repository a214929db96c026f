package dev.kiln.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;

/** A small client of the Kiln REST APIs, for the local platform's sample and the e2e tests. */
public final class KilnClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TERMINAL = Set.of("completed", "aborted");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String scheduler;
  private final String artifacts;
  private final String workflows;
  private final String token;

  public KilnClient(String scheduler, String artifacts, String workflows, String token) {
    this.scheduler = scheduler;
    this.artifacts = artifacts;
    this.workflows = workflows;
    this.token = token;
  }

  /** The result of a call: status code and JSON body (null when there is none). */
  public record Reply(int status, JsonNode body) {}

  public Reply createWorkRequest(String json) throws IOException, InterruptedException {
    return send(
        request(scheduler + "/api/v1/work-requests")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /** POSTs a JSON body to a path of the artifact service (e.g. {@code /api/v1/artifacts}). */
  public Reply postToArtifactService(String path, String json)
      throws IOException, InterruptedException {
    return send(
        request(artifacts + path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /** Issues a user token (the client's token must be the administrator's). */
  public Reply issueUserToken(String json) throws IOException, InterruptedException {
    return send(
        request(scheduler + "/api/v1/user-tokens")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /** Aborts a work request (and a workflow's unfinished descendants). */
  public Reply abortWorkRequest(long id) throws IOException, InterruptedException {
    return send(
        request(scheduler + "/api/v1/work-requests/" + id + "/abort")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build());
  }

  /**
   * The live log of a work request after the cursor {@code after}, waiting up to {@code
   * waitSeconds} for a line (JSON: {@code lines[{seq, attempt, line}]}, {@code next_after}, {@code
   * complete}, {@code status}).
   */
  public Reply liveLog(long id, long after, int waitSeconds)
      throws IOException, InterruptedException {
    return send(
        request(
                scheduler
                    + "/api/v1/work-requests/"
                    + id
                    + "/log?after="
                    + after
                    + "&wait="
                    + waitSeconds)
            .timeout(Duration.ofSeconds(waitSeconds + 30L))
            .GET()
            .build());
  }

  public Reply workRequest(long id) throws IOException, InterruptedException {
    return send(request(scheduler + "/api/v1/work-requests/" + id).GET().build());
  }

  /** A workflow's graph: the workflow, its descendants and the edges by key (the scheduler's). */
  public Reply workflowGraph(long workflowId) throws IOException, InterruptedException {
    return send(request(scheduler + "/api/v1/workflows/" + workflowId + "/graph").GET().build());
  }

  /** The items of a workflow's internal collection (the artifact service's). */
  public Reply internalCollectionItems(long workflowId, String workspace)
      throws IOException, InterruptedException {
    return send(
        request(
                artifacts
                    + "/api/v1/workflows/"
                    + workflowId
                    + "/internal-collection/items?workspace="
                    + URLEncoder.encode(workspace, StandardCharsets.UTF_8))
            .GET()
            .build());
  }

  /** Polls until the work request is completed or aborted. */
  public JsonNode awaitTerminal(long id, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = workRequest(id).body();
      if (last != null && TERMINAL.contains(last.path("status").asText())) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new IOException("work request " + id + " did not finish within " + timeout + ": " + last);
  }

  public Reply artifact(long id) throws IOException, InterruptedException {
    return send(request(artifacts + "/api/v1/artifacts/" + id).GET().build());
  }

  /** Downloads a file of an artifact; returns its bytes' SHA-256 and the bytes. */
  public Download download(long artifactId, String path) throws IOException, InterruptedException {
    HttpResponse<InputStream> r =
        http.send(
            request(artifacts + "/api/v1/artifacts/" + artifactId + "/files/" + path).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      byte[] bytes = in.readAllBytes();
      return new Download(
          r.statusCode(), bytes, sha256(bytes), r.headers().firstValue("ETag").orElse(null));
    }
  }

  /** A downloaded file. */
  public record Download(int status, byte[] bytes, String sha256, String etag) {}

  public Reply completionsSeenByWorkflowService(long workRequestId)
      throws IOException, InterruptedException {
    return send(
        request(workflows + "/api/v1/work-requests/" + workRequestId + "/completions")
            .GET()
            .build());
  }

  private HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
  }

  private Reply send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
    return new Reply(r.statusCode(), body);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

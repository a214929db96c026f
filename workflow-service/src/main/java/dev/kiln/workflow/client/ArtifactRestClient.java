package dev.kiln.workflow.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.auth.UserRole;
import dev.kiln.common.auth.UserToken;
import dev.kiln.workflow.config.ServerTaskConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The artifact service's REST API as the server-task runners use it. Credential: a short-lived user
 * token the workflow service signs for the work request's workspace with the contributor role
 * (read, create artifacts, upload, add collection items), named {@code server-task:<id>}: the
 * artifact service verifies it offline and confines it to that workspace, so a server task of one
 * workspace never reaches another. File bodies are streamed both ways, never held in memory.
 */
@ApplicationScoped
public class ArtifactRestClient {

  /** An answer: HTTP status and JSON body. */
  public record Answer(int status, JsonNode body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The answer's problem detail, for messages. */
    public String detail() {
      return "HTTP " + status + ": " + body.path("detail").asText(body.toString());
    }
  }

  private static final Duration TOKEN_VALIDITY = Duration.ofMinutes(30);

  @Inject ServerTaskConfig config;
  @Inject ObjectMapper mapper;

  @ConfigProperty(name = "kiln.auth.work-request-token-secret")
  String tokenSecret;

  private HttpClient http;

  @PostConstruct
  void init() {
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.httpTimeout())
            .build();
  }

  /** The token of a server task of this work request in this workspace. */
  public String tokenFor(long workRequestId, String workspace) {
    Instant now = Instant.now();
    return new UserToken(
            "server-task:" + workRequestId,
            Map.of(workspace, UserRole.CONTRIBUTOR),
            now,
            now.plus(TOKEN_VALIDITY))
        .sign(tokenSecret);
  }

  /** {@code POST path} with a JSON body. */
  public Answer postJson(String token, String path, JsonNode body) throws IOException {
    return json(
        request(token, path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
            .build());
  }

  /** {@code GET path}. */
  public Answer get(String token, String path) throws IOException {
    return json(request(token, path).GET().build());
  }

  /** Streams a file of an artifact into {@code target}. */
  public void download(String token, long artifactId, String filePath, Path target)
      throws IOException {
    HttpRequest r = request(token, filePathOf(artifactId, filePath)).GET().build();
    HttpResponse<Path> response = send(r, HttpResponse.BodyHandlers.ofFile(target));
    if (response.statusCode() != 200) {
      throw new IOException(
          "downloading "
              + filePath
              + " of artifact "
              + artifactId
              + ": HTTP "
              + response.statusCode());
    }
  }

  /** Opens a file of an artifact as a stream (the caller closes it). */
  public InputStream open(String token, long artifactId, String filePath) throws IOException {
    HttpResponse<InputStream> response =
        send(
            request(token, filePathOf(artifactId, filePath)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException(
          "downloading "
              + filePath
              + " of artifact "
              + artifactId
              + ": HTTP "
              + response.statusCode());
    }
    return response.body();
  }

  /** Streams {@code source} up as a file of an artifact (the server checks size and SHA-256). */
  public Answer upload(String token, long artifactId, String filePath, Path source)
      throws IOException {
    return json(
        request(token, filePathOf(artifactId, filePath))
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofFile(source))
            .build());
  }

  private static String filePathOf(long artifactId, String filePath) {
    StringBuilder p = new StringBuilder("/api/v1/artifacts/" + artifactId + "/files");
    for (String part : filePath.split("/")) {
      p.append('/').append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return p.toString();
  }

  private HttpRequest.Builder request(String token, String path) {
    return HttpRequest.newBuilder(URI.create(config.artifactUrl() + path))
        .timeout(config.httpTimeout())
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
  }

  private Answer json(HttpRequest request) throws IOException {
    HttpResponse<String> r =
        send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    JsonNode body;
    try {
      body = r.body() == null || r.body().isBlank() ? mapper.nullNode() : mapper.readTree(r.body());
    } catch (IOException e) {
      body = mapper.getNodeFactory().textNode(r.body());
    }
    return new Answer(r.statusCode(), body);
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    try {
      return http.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling the artifact service", e);
    }
  }
}

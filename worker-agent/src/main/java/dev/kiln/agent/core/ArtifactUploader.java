package dev.kiln.agent.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Uploads files as one artifact through the artifact service's REST API: declares the artifact with
 * each file's size and SHA-256 (hashed by streaming), then PUTs every file the service still needs,
 * streamed from disk. Both calls carry the attempt's artifact token.
 *
 * <p>Retries: the PUT of a file is repeatable, so connection failures and 5xx answers are retried
 * with backoff. Creating the artifact is not idempotent yet, so it is retried only when the
 * connection could not be made at all (the request never left).
 */
public final class ArtifactUploader {

  private static final Logger LOG = Logger.getLogger(ArtifactUploader.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String baseUrl;
  private final int attempts;
  private final Duration initialBackoff;

  public ArtifactUploader(String baseUrl) {
    this(baseUrl, 4, Duration.ofMillis(250));
  }

  /**
   * @param attempts how many times each call is tried in all
   * @param initialBackoff the first wait between tries; it doubles after each
   */
  public ArtifactUploader(String baseUrl, int attempts, Duration initialBackoff) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.attempts = Math.max(1, attempts);
    this.initialBackoff = initialBackoff;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /**
   * Creates an artifact holding the given files and uploads their content.
   *
   * @param token the attempt's artifact token
   * @param files the files by their path in the artifact
   * @return the artifact's id
   * @throws IOException when the artifact service refused or stayed unreachable
   */
  public long upload(
      String token, String category, String workspace, long workRequestId, Map<String, Path> files)
      throws IOException, InterruptedException {
    return upload(token, category, workspace, workRequestId, null, files);
  }

  /**
   * Creates an artifact with this data holding the given files and uploads their content.
   *
   * @param data the artifact's data (a JSON object); null for {@code {}}
   * @return the artifact's id
   */
  public long upload(
      String token,
      String category,
      String workspace,
      long workRequestId,
      JsonNode data,
      Map<String, Path> files)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("category", category);
    body.put("workspace", workspace);
    if (data == null) {
      body.putObject("data");
    } else {
      body.set("data", data);
    }
    body.put("work_request_id", workRequestId);
    ObjectNode declared = body.putObject("files");
    for (Map.Entry<String, Path> f : files.entrySet()) {
      declared
          .putObject(f.getKey())
          .put("size", Files.size(f.getValue()))
          .put("sha256", sha256(f.getValue()));
    }
    HttpRequest create =
        HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/artifacts"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .timeout(Duration.ofSeconds(60))
            .build();
    HttpResponse<String> created = send(create, false);
    if (created.statusCode() != 201) {
      throw new IOException(
          "creating the artifact failed: HTTP " + created.statusCode() + " " + created.body());
    }
    JsonNode artifact = JSON.readTree(created.body());
    long id = artifact.path("id").asLong(-1);
    if (id < 0) {
      throw new IOException("the artifact service answered without an id: " + created.body());
    }
    for (JsonNode pathNode : artifact.path("files_to_upload")) {
      String name = pathNode.asText();
      Path file = files.get(name);
      if (file == null) {
        throw new IOException("the artifact service asks for an undeclared file: " + name);
      }
      HttpRequest put =
          HttpRequest.newBuilder(
                  URI.create(baseUrl + "/api/v1/artifacts/" + id + "/files/" + encodePath(name)))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/octet-stream")
              .PUT(HttpRequest.BodyPublishers.ofFile(file))
              .timeout(Duration.ofMinutes(30))
              .build();
      HttpResponse<String> uploaded = send(put, true);
      if (uploaded.statusCode() == 409) {
        throw new IOException(
            "uploading " + name + " failed: its content does not match the declared SHA-256");
      }
      if (uploaded.statusCode() != 201 && uploaded.statusCode() != 200) {
        throw new IOException(
            "uploading " + name + " failed: HTTP " + uploaded.statusCode() + " " + uploaded.body());
      }
    }
    return id;
  }

  /**
   * Records a relation of an artifact the attempt created ({@code extends}, {@code relates-to},
   * {@code built-using}). Retried only when the connection could not be made.
   */
  public void relate(String token, long artifactId, long targetId, String type)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("target", targetId).put("type", type);
    HttpRequest post =
        HttpRequest.newBuilder(
                URI.create(baseUrl + "/api/v1/artifacts/" + artifactId + "/relations"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .timeout(Duration.ofSeconds(60))
            .build();
    HttpResponse<String> r = send(post, false);
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw new IOException(
          "relating artifact "
              + artifactId
              + " ("
              + type
              + ") to "
              + targetId
              + " failed: HTTP "
              + r.statusCode()
              + " "
              + r.body());
    }
  }

  /** The artifact service's base URL. */
  public String baseUrl() {
    return baseUrl;
  }

  /**
   * Sends, trying again after connection failures; after any failure (and 5xx answers) only when
   * the request is {@code repeatable}.
   */
  private HttpResponse<String> send(HttpRequest request, boolean repeatable)
      throws IOException, InterruptedException {
    long backoffMs = initialBackoff.toMillis();
    for (int attempt = 1; ; attempt++) {
      IOException failure;
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() < 500 || !repeatable) {
          return r;
        }
        failure = new IOException(request.uri() + " answered HTTP " + r.statusCode());
      } catch (ConnectException | HttpConnectTimeoutException e) {
        failure = e; // never connected: nothing was sent, so even a POST can go again
      } catch (IOException e) {
        if (!repeatable) {
          throw e;
        }
        failure = e;
      }
      if (attempt >= attempts) {
        throw failure;
      }
      LOG.warnf(
          "%s %s failed (%s); trying again", request.method(), request.uri(), failure.toString());
      Thread.sleep(backoffMs);
      backoffMs *= 2;
    }
  }

  static String encodePath(String path) {
    StringBuilder out = new StringBuilder();
    for (String segment : path.split("/", -1)) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }

  /** The SHA-256 of a file, in lower-case hex, read in blocks. */
  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}

package dev.kiln.agent.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
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

/**
 * Uploads files as an artifact: declares it with each file's size and SHA-256 (hashed by
 * streaming), then PUTs the bytes of every file the server still needs, streamed from disk.
 */
public final class ArtifactUploader {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 4;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String baseUrl;

  public ArtifactUploader(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /**
   * Creates an artifact of the work request holding the given files (name → path) and returns its
   * id.
   */
  public long upload(
      String token, String category, String workspace, long workRequestId, Map<String, Path> files)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("category", category);
    body.put("workspace", workspace);
    body.putObject("data");
    body.put("work_request_id", workRequestId);
    ObjectNode declared = body.putObject("files");
    for (Map.Entry<String, Path> f : files.entrySet()) {
      declared
          .putObject(f.getKey())
          .put("size", Files.size(f.getValue()))
          .put("sha256", sha256(f.getValue()));
    }
    HttpResponse<String> created =
        send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/artifacts"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .timeout(Duration.ofSeconds(60))
                .build());
    if (created.statusCode() != 201) {
      throw new IOException(
          "creating the artifact failed: " + created.statusCode() + " " + created.body());
    }
    JsonNode artifact = JSON.readTree(created.body());
    long id = artifact.get("id").asLong();
    for (JsonNode pathNode : artifact.path("files_to_upload")) {
      String name = pathNode.asText();
      Path file = files.get(name);
      HttpResponse<String> put =
          send(
              HttpRequest.newBuilder(
                      URI.create(
                          baseUrl + "/api/v1/artifacts/" + id + "/files/" + encodePath(name)))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/octet-stream")
                  .PUT(HttpRequest.BodyPublishers.ofFile(file))
                  .timeout(Duration.ofMinutes(30))
                  .build());
      if (put.statusCode() != 201 && put.statusCode() != 200) {
        throw new IOException(
            "uploading " + name + " failed: " + put.statusCode() + " " + put.body());
      }
    }
    return id;
  }

  /** Sends with retries on connection failures and 5xx answers (both calls are repeatable). */
  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    long backoffMs = 250;
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() < 500) {
          return r;
        }
        last = new IOException(request.uri() + " answered " + r.statusCode() + ": " + r.body());
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(backoffMs);
      backoffMs *= 2;
    }
    throw last;
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
      throw new IllegalStateException(e);
    }
  }
}

package dev.kiln.agent.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Reads artifacts from the artifact service's REST API with a work request's token: an artifact's
 * description ({@code GET /api/v1/artifacts/{id}}) and the content of one of its files, streamed to
 * disk and hashed in the same pass; a file whose size or SHA-256 is not the declared one is refused
 * and deleted.
 */
public final class ArtifactDownloader {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The content that arrived is not the declared one. */
  public static final class CorruptDownloadException extends IOException {
    public CorruptDownloadException(String message) {
      super(message);
    }
  }

  private final HttpClient http;
  private final String baseUrl;

  public ArtifactDownloader(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** The artifact as the service shows it: {@code category}, {@code data}, {@code files}, ... */
  public JsonNode describe(String token, long artifactId) throws IOException, InterruptedException {
    HttpRequest get =
        HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/artifacts/" + artifactId))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .timeout(Duration.ofSeconds(60))
            .build();
    HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(
          "reading artifact " + artifactId + " failed: HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /**
   * Streams a file of an artifact into {@code target} (created or replaced), checking its size and
   * SHA-256 on the way.
   *
   * @throws CorruptDownloadException when the content is not the declared one; {@code target} is
   *     deleted then
   */
  public void download(
      String token, long artifactId, String path, long size, String sha256, Path target)
      throws IOException, InterruptedException {
    HttpRequest get =
        HttpRequest.newBuilder(
                URI.create(
                    baseUrl
                        + "/api/v1/artifacts/"
                        + artifactId
                        + "/files/"
                        + ArtifactUploader.encodePath(path)))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofMinutes(60))
            .build();
    HttpResponse<InputStream> r = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    long received = 0;
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        throw new IOException(
            "downloading "
                + path
                + " of artifact "
                + artifactId
                + " failed: HTTP "
                + r.statusCode()
                + " "
                + new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8));
      }
      try (OutputStream out =
          Files.newOutputStream(
              target,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
          digest.update(buffer, 0, n);
          out.write(buffer, 0, n);
          received += n;
          if (received > size) {
            break;
          }
        }
      }
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (received != size || !actual.equalsIgnoreCase(sha256)) {
      Files.deleteIfExists(target);
      throw new CorruptDownloadException(
          path
              + " of artifact "
              + artifactId
              + ": received "
              + (received > size ? "more than " + size : received)
              + " bytes with SHA-256 "
              + actual
              + ", declared "
              + size
              + " bytes with SHA-256 "
              + sha256);
    }
  }
}

package dev.kiln.artifact.transfer;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

/** Requests and contents the transfer tests share. */
final class TransferFixtures {

  static final String ADMIN = "Bearer kiln-dev-admin-token";

  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private TransferFixtures() {}

  static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(System.nanoTime()).nextBytes(bytes);
    return bytes;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Declares an artifact with these files ({@code path, size, sha256} triples); its id. */
  static long declare(Object... files) {
    StringBuilder json = new StringBuilder();
    for (int i = 0; i < files.length; i += 3) {
      json.append(json.length() == 0 ? "" : ",")
          .append("\"")
          .append(files[i])
          .append("\":{\"size\":")
          .append(files[i + 1])
          .append(",\"sha256\":\"")
          .append(files[i + 2])
          .append("\"}");
    }
    return given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            "{\"category\":\"kiln:generic\",\"workspace\":\"System\",\"data\":{},\"files\":{"
                + json
                + "}}")
        .when()
        .post("/api/v1/artifacts")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("id");
  }

  /** PUT with an optional Content-Range, through java.net.http (which does not follow a 308). */
  static HttpResponse<String> put(URI file, String contentRange, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(file)
            .timeout(Duration.ofMinutes(1))
            .header("Authorization", ADMIN)
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentRange != null) {
      request.header("Content-Range", contentRange);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A chunk {@code [from, to]} of {@code content}, sent with its Content-Range. */
  static HttpResponse<String> putChunk(URI file, byte[] content, int from, int to)
      throws IOException, InterruptedException {
    return put(
        file,
        "bytes " + from + "-" + to + "/" + content.length,
        java.util.Arrays.copyOfRange(content, from, to + 1));
  }

  /** A probe: {@code Content-Range: bytes * /SIZE} and no body. */
  static HttpResponse<String> probe(URI file, long size) throws IOException, InterruptedException {
    return put(file, "bytes */" + size, new byte[0]);
  }

  static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }
}

package dev.kiln.artifact;

import static io.restassured.RestAssured.given;

import dev.kiln.common.auth.UserToken;
import dev.kiln.common.auth.WorkRequestToken;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Tokens, contents and requests the artifact tests share. */
public final class Fixtures {

  public static final String ADMIN = "Bearer kiln-dev-admin-token";
  public static final String SECRET = "kiln-dev-work-request-token-secret";
  public static final String LOGS = "debusine:work-request-debug-logs";

  private Fixtures() {}

  public static String workRequestToken(long workRequestId, String workspace) {
    return workRequestToken(workRequestId, workspace, Set.of());
  }

  /** A work request token whose work request has these input artifacts. */
  public static String workRequestToken(long workRequestId, String workspace, Set<Long> inputs) {
    return "Bearer "
        + new WorkRequestToken(workRequestId, 1, workspace, Instant.now().plusSeconds(600), inputs)
            .sign(SECRET);
  }

  /** A user token with these roles ({@code viewer}, {@code contributor}, {@code owner}). */
  public static String userToken(String user, Map<String, String> roles) {
    return "Bearer " + UserToken.issue(user, roles, null, Instant.now()).sign(SECRET);
  }

  /** Content no other test uses. */
  public static byte[] uniqueContent() {
    return ("content " + UUID.randomUUID() + "\n").repeat(50).getBytes(StandardCharsets.UTF_8);
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String filesJson(String path, long size, String sha256) {
    return "{\"" + path + "\":{\"size\":" + size + ",\"sha256\":\"" + sha256 + "\"}}";
  }

  public static String artifactJson(String workspace, String path, byte[] content) {
    return "{\"category\":\""
        + LOGS
        + "\",\"workspace\":\""
        + workspace
        + "\",\"data\":{},\"files\":"
        + filesJson(path, content.length, sha256(content))
        + "}";
  }

  public static Response create(String token, String json) {
    return given()
        .header("Authorization", token)
        .contentType("application/json")
        .body(json)
        .when()
        .post("/api/v1/artifacts");
  }

  public static long createOk(String token, String json) {
    return create(token, json).then().statusCode(201).extract().jsonPath().getLong("id");
  }

  public static Response upload(String token, long id, String path, byte[] content) {
    return given()
        .header("Authorization", token)
        .contentType("application/octet-stream")
        .body(content)
        .when()
        .put("/api/v1/artifacts/" + id + "/files/" + path);
  }

  public static Response download(String token, long id, String path) {
    return given()
        .header("Authorization", token)
        .when()
        .get("/api/v1/artifacts/" + id + "/files/" + path);
  }
}

package dev.kiln.artifact;

import static dev.kiln.artifact.Fixtures.ADMIN;
import static dev.kiln.artifact.Fixtures.LOGS;
import static dev.kiln.artifact.Fixtures.artifactJson;
import static dev.kiln.artifact.Fixtures.create;
import static dev.kiln.artifact.Fixtures.createOk;
import static dev.kiln.artifact.Fixtures.download;
import static dev.kiln.artifact.Fixtures.sha256;
import static dev.kiln.artifact.Fixtures.uniqueContent;
import static dev.kiln.artifact.Fixtures.upload;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.artifact.domain.Sha256;
import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class ArtifactResourceTest {

  @Inject StoreInspector inspector;

  @Test
  void createUploadDownloadRoundTrip() {
    byte[] content = uniqueContent();
    String sha = sha256(content);

    long id =
        create(ADMIN, artifactJson("System", "logs/noop.log", content))
            .then()
            .statusCode(201)
            .body("category", equalTo(LOGS))
            .body("workspace", equalTo("System"))
            .body("created_by", equalTo("admin"))
            .body("created_at", notNullValue())
            .body("work_request_id", nullValue())
            .body("files.'logs/noop.log'.size", equalTo(content.length))
            .body("files.'logs/noop.log'.sha256", equalTo(sha))
            .body("files.'logs/noop.log'.complete", equalTo(false))
            .body("files_to_upload", contains("logs/noop.log"))
            .extract()
            .jsonPath()
            .getLong("id");

    upload(ADMIN, id, "logs/noop.log", content)
        .then()
        .statusCode(201)
        .body("complete", equalTo(true))
        .body("sha256", equalTo(sha));

    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/artifacts/{id}", id)
        .then()
        .statusCode(200)
        .body("id", equalTo((int) id))
        .body("files.'logs/noop.log'.complete", equalTo(true))
        .body("files_to_upload", empty());

    byte[] downloaded =
        download(ADMIN, id, "logs/noop.log")
            .then()
            .statusCode(200)
            .contentType("application/octet-stream")
            .header("ETag", equalTo("\"" + sha + "\""))
            .header("Content-Length", equalTo(String.valueOf(content.length)))
            .extract()
            .asByteArray();
    assertArrayEquals(content, downloaded);

    // a client that asks for JSON (as KilnClient does) still gets the bytes
    given()
        .header("Authorization", ADMIN)
        .header("Accept", "application/json")
        .get("/api/v1/artifacts/" + id + "/files/logs/noop.log")
        .then()
        .statusCode(200)
        .header("ETag", equalTo("\"" + sha + "\""));

    given()
        .header("Authorization", ADMIN)
        .header("If-None-Match", "\"" + sha + "\"")
        .get("/api/v1/artifacts/" + id + "/files/logs/noop.log")
        .then()
        .statusCode(304)
        .header("ETag", equalTo("\"" + sha + "\""))
        .body(emptyString());
  }

  @Test
  void locationHeaderNamesTheNewArtifact() {
    var response = create(ADMIN, artifactJson("System", "a.log", uniqueContent()));
    long id = response.then().statusCode(201).extract().jsonPath().getLong("id");
    response.then().header("Location", endsWith("/api/v1/artifacts/" + id));
  }

  @Test
  void hashMismatchIsRefusedAndNothingBecomesVisible() throws IOException {
    byte[] content = uniqueContent();
    long id = createOk(ADMIN, artifactJson("System", "noop.log", content));
    byte[] tampered = content.clone();
    tampered[0] ^= 1;
    Set<String> stagedBefore = inspector.uploadsInProgress();

    upload(ADMIN, id, "noop.log", tampered)
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("status", equalTo(409))
        .body("detail", org.hamcrest.Matchers.containsString("SHA-256"));

    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/artifacts/{id}", id)
        .then()
        .body("files.'noop.log'.complete", equalTo(false))
        .body("files_to_upload", contains("noop.log"));
    download(ADMIN, id, "noop.log").then().statusCode(409).contentType("application/problem+json");
    assertEquals(0, blobCount(sha256(tampered)));
    assertEquals(0, blobCount(sha256(content)));
    assertEquals(
        stagedBefore, inspector.uploadsInProgress(), "the refused upload was not left behind");
  }

  @Test
  void sizeMismatchIsRefused() throws IOException {
    byte[] content = uniqueContent();
    long id = createOk(ADMIN, artifactJson("System", "noop.log", content));
    Set<String> stagedBefore = inspector.uploadsInProgress();

    byte[] shorter = java.util.Arrays.copyOf(content, content.length - 1);
    upload(ADMIN, id, "noop.log", shorter)
        .then()
        .statusCode(409)
        .body("detail", org.hamcrest.Matchers.containsString("received " + shorter.length));
    byte[] longer = java.util.Arrays.copyOf(content, content.length + 10);
    upload(ADMIN, id, "noop.log", longer)
        .then()
        .statusCode(409)
        .body("detail", org.hamcrest.Matchers.containsString("received more than"));

    download(ADMIN, id, "noop.log").then().statusCode(409);
    assertEquals(
        stagedBefore, inspector.uploadsInProgress(), "the refused uploads were not left behind");

    // the right content is still accepted afterwards
    upload(ADMIN, id, "noop.log", content).then().statusCode(201);
  }

  @Test
  void reuploadingACompleteFileNeitherChangesNorCorruptsIt() {
    byte[] content = uniqueContent();
    long id = createOk(ADMIN, artifactJson("System", "noop.log", content));
    upload(ADMIN, id, "noop.log", content).then().statusCode(201);

    upload(ADMIN, id, "noop.log", content).then().statusCode(200).body("complete", equalTo(true));
    byte[] other = uniqueContent();
    upload(ADMIN, id, "noop.log", other).then().statusCode(409);

    assertArrayEquals(
        content, download(ADMIN, id, "noop.log").then().statusCode(200).extract().asByteArray());
  }

  @Test
  void sameContentInTheSameWorkspaceIsStoredOnceAndCompleteAtOnce() throws IOException {
    byte[] content = uniqueContent();
    String sha = sha256(content);
    String workspace = "dedupe-" + System.nanoTime();
    long first = createOk(ADMIN, artifactJson(workspace, "a.log", content));
    upload(ADMIN, first, "a.log", content).then().statusCode(201);

    long second =
        create(ADMIN, artifactJson(workspace, "copy/b.log", content))
            .then()
            .statusCode(201)
            .body("files.'copy/b.log'.complete", equalTo(true))
            .body("files_to_upload", empty())
            .extract()
            .jsonPath()
            .getLong("id");

    assertArrayEquals(
        content,
        download(ADMIN, second, "copy/b.log").then().statusCode(200).extract().asByteArray());
    assertEquals(1, blobCount(sha));
  }

  @Test
  void contentOfAnotherWorkspaceMustBeUploadedButIsNotStoredTwice() throws IOException {
    byte[] content = uniqueContent();
    String sha = sha256(content);
    long theirs = createOk(ADMIN, artifactJson("ws-theirs-" + System.nanoTime(), "x", content));
    upload(ADMIN, theirs, "x", content).then().statusCode(201);

    long mine =
        create(ADMIN, artifactJson("ws-mine-" + System.nanoTime(), "x", content))
            .then()
            .statusCode(201)
            .body("files.x.complete", equalTo(false))
            .body("files_to_upload", contains("x"))
            .extract()
            .jsonPath()
            .getLong("id");
    download(ADMIN, mine, "x").then().statusCode(409);

    upload(ADMIN, mine, "x", content).then().statusCode(201);

    assertArrayEquals(
        content, download(ADMIN, mine, "x").then().statusCode(200).extract().asByteArray());
    assertEquals(1, blobCount(sha));
  }

  @Test
  void zeroByteFilesAreCompleteAtOnce() {
    long id =
        create(
                ADMIN,
                "{\"category\":\"kiln:generic\",\"workspace\":\"System\",\"data\":{\"k\":[1,\"v\"]},"
                    + "\"files\":{\"empty\":{\"size\":0,\"sha256\":\""
                    + Sha256.EMPTY
                    + "\"}}}")
            .then()
            .statusCode(201)
            .body("data.k[1]", equalTo("v"))
            .body("files.empty.complete", equalTo(true))
            .body("files_to_upload", empty())
            .extract()
            .jsonPath()
            .getLong("id");

    download(ADMIN, id, "empty")
        .then()
        .statusCode(200)
        .header("ETag", equalTo("\"" + Sha256.EMPTY + "\""))
        .header("Content-Length", equalTo("0"));
  }

  @Test
  void unsafePathsAreRefusedNamingTheField() {
    for (String path :
        new String[] {
          "../etc/passwd",
          "/etc/passwd",
          "a//b",
          "a/./b",
          "a\\\\b",
          "nul\\u0000byte",
          "x".repeat(256),
          ("d".repeat(200) + "/").repeat(21) + "f"
        }) {
      String json =
          "{\"category\":\"kiln:generic\",\"workspace\":\"System\",\"data\":{},\"files\":"
              + Fixtures.filesJson(path, 1, "a".repeat(64))
              + "}";
      String field = "files." + path.replace("\\\\", "\\").replace("\\u0000", "\u0000");
      create(ADMIN, json)
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("errors.field", hasItem(field));
    }
  }

  @Test
  void invalidDeclarationsAreRefusedNamingTheField() {
    create(
            ADMIN,
            "{\"category\":\"debian:nope\",\"workspace\":\"System\",\"data\":{},\"files\":{}}")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("category"));
    create(ADMIN, "{\"category\":\"kiln:generic\",\"data\":{}}")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("workspace"));
    create(ADMIN, "{\"workspace\":\"System\"}")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("category"));
    create(
            ADMIN,
            "{\"category\":\"kiln:generic\",\"workspace\":\"System\",\"files\":"
                + Fixtures.filesJson("noop.log", 3, "ABC")
                + "}")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("files.noop.log.sha256"));
    create(
            ADMIN,
            "{\"category\":\"kiln:generic\",\"workspace\":\"System\",\"files\":"
                + Fixtures.filesJson("noop.log", -1, "a".repeat(64))
                + "}")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("files.noop.log.size"));
    create(
            ADMIN,
            "{\"category\":\"kiln:generic\",\"workspace\":\"System\",\"files\":"
                + "{\"noop.log\":{\"size\":\"big\",\"sha256\":\"x\"}}}")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("files.noop.log.size"));
    create(ADMIN, "{\"category\":\"kiln:generic\",\"workspace\":\"System\",\"colour\":1}")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("colour"));
  }

  @Test
  void unknownArtifactsAndPathsAreNotFound() {
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/artifacts/999999999")
        .then()
        .statusCode(404);
    upload(ADMIN, 999999999, "x", new byte[] {1}).then().statusCode(404);
    byte[] content = uniqueContent();
    long id = createOk(ADMIN, artifactJson("System", "noop.log", content));
    upload(ADMIN, id, "other.log", content)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    download(ADMIN, id, "other.log").then().statusCode(404);
  }

  @Test
  void theApiRequiresAToken() {
    given()
        .get("/api/v1/artifacts/1")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    given()
        .contentType("application/json")
        .body(artifactJson("System", "a", uniqueContent()))
        .post("/api/v1/artifacts")
        .then()
        .statusCode(401);
    given()
        .header("Authorization", "Bearer not-a-token")
        .get("/api/v1/artifacts/1")
        .then()
        .statusCode(401);
    given()
        .header(
            "Authorization",
            "Bearer "
                + new dev.kiln.common.auth.WorkRequestToken(
                        1, 1, "System", java.time.Instant.now().plusSeconds(60))
                    .sign("another-secret"))
        .get("/api/v1/artifacts/1")
        .then()
        .statusCode(401);
  }

  @Test
  void healthAndMetricsAreOpen() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.name", hasItem("file-store"));
    given().get("/q/metrics").then().statusCode(200);
  }

  private long blobCount(String sha) {
    return inspector.contentCount(sha);
  }
}

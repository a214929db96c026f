package dev.kiln.artifact;

import static dev.kiln.artifact.Fixtures.ADMIN;
import static dev.kiln.artifact.Fixtures.LOGS;
import static dev.kiln.artifact.Fixtures.SECRET;
import static dev.kiln.artifact.Fixtures.artifactJson;
import static dev.kiln.artifact.Fixtures.create;
import static dev.kiln.artifact.Fixtures.createOk;
import static dev.kiln.artifact.Fixtures.download;
import static dev.kiln.artifact.Fixtures.uniqueContent;
import static dev.kiln.artifact.Fixtures.upload;
import static dev.kiln.artifact.Fixtures.userToken;
import static dev.kiln.artifact.Fixtures.workRequestToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.kiln.common.auth.UserRole;
import dev.kiln.common.auth.UserToken;
import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Users by workspace role, against the real service: what a viewer, a contributor and an owner may
 * do, and that nothing reaches another workspace.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class UserAccessTest {

  private String ws;
  private String other;
  private byte[] content;
  private long artifact;
  private long second;
  private long collection;
  private long otherArtifact;
  private long otherCollection;

  @BeforeEach
  void workspacesWithAnArtifactAndACollectionEach() {
    ws = "users-" + System.nanoTime();
    other = ws + "-b";
    content = uniqueContent();
    artifact = createOk(ADMIN, artifactJson(ws, "log.txt", content));
    upload(ADMIN, artifact, "log.txt", content).then().statusCode(201);
    second = createOk(ADMIN, artifactJson(ws, "log.txt", content));
    collection =
        createCollection(ADMIN, ws, "internal")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
    addItem(ADMIN, collection, "seed").then().statusCode(201);
    otherArtifact = createOk(ADMIN, artifactJson(other, "log.txt", content));
    otherCollection =
        createCollection(ADMIN, other, "internal")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
  }

  private String as(String role) {
    return userToken("u-" + role, Map.of(ws, role));
  }

  @Test
  void aViewerReadsEverythingOfTheWorkspaceAndChangesNothing() {
    String viewer = as("viewer");

    get(viewer, "/api/v1/artifacts/{id}", artifact).statusCode(200).body("workspace", equalTo(ws));
    download(viewer, artifact, "log.txt").then().statusCode(200);
    given()
        .header("Authorization", viewer)
        .get("/api/v1/artifacts/{id}/tar", artifact)
        .then()
        .statusCode(200);
    get(viewer, "/api/v1/artifacts/{id}/relations", artifact).statusCode(200);
    get(viewer, "/api/v1/collections/{id}", collection).statusCode(200);
    get(viewer, "/api/v1/collections/{id}/items", collection).statusCode(200);
    lookup(viewer, ws, artifact + "@artifacts")
        .statusCode(200)
        .body("results.x.artifact.id", equalTo((int) artifact))
        .body("results.x.error", nullValue());

    forbidden(create(viewer, artifactJson(ws, "x", content)), "contributor");
    forbidden(upload(viewer, artifact, "log.txt", content), "contributor");
    forbidden(addItem(viewer, collection, "mine"), "contributor");
    forbidden(relate(viewer, artifact, second), "contributor");
  }

  @Test
  void aContributorCreatesUploadsRelatesAndAddsItemsButConfiguresNothing() {
    String contributor = as("contributor");
    byte[] fresh = uniqueContent();

    long mine =
        create(contributor, artifactJson(ws, "mine.txt", fresh))
            .then()
            .statusCode(201)
            .body("created_by", equalTo("u-contributor"))
            .body("work_request_id", nullValue())
            .extract()
            .jsonPath()
            .getLong("id");
    upload(contributor, mine, "mine.txt", fresh).then().statusCode(201);
    relate(contributor, mine, artifact).then().statusCode(201);
    addItem(contributor, collection, "mine").then().statusCode(201);
    given()
        .header("Authorization", contributor)
        .delete("/api/v1/collections/{id}/items/{name}", collection, "mine")
        .then()
        .statusCode(204);

    forbidden(createCollection(contributor, ws, "mine"), "owner");
    forbidden(setRetentionResponse(contributor, ws), "owner");
    // only a work request token says which work request made an artifact
    forbidden(
        create(
            contributor,
            "{\"category\":\""
                + LOGS
                + "\",\"workspace\":\""
                + ws
                + "\",\"data\":{},\"work_request_id\":7}"),
        "work_request_id");
    // the outputs of a work request are uploaded with its token
    long byWorkRequest = createOk(workRequestToken(4242, ws), artifactJson(ws, "out", fresh));
    forbidden(upload(contributor, byWorkRequest, "out", fresh), "work request");
  }

  @Test
  void anOwnerAlsoCreatesCollectionsAndSetsRetention() {
    String owner = as("owner");

    createCollection(owner, ws, "owned").then().statusCode(201);
    setRetention(owner, ws).statusCode(200);
    createOk(owner, artifactJson(ws, "x", content));
  }

  @Test
  void aUserOfOneWorkspaceReachesNothingOfAnother() {
    String owner = as("owner");

    forbidden(
        given().header("Authorization", owner).get("/api/v1/artifacts/{id}", otherArtifact),
        "viewer");
    forbidden(download(owner, otherArtifact, "log.txt"), "viewer");
    forbidden(
        given()
            .header("Authorization", owner)
            .get("/api/v1/collections/{id}/items", otherCollection),
        "viewer");
    forbidden(lookupResponse(owner, other, otherArtifact + "@artifacts"), "viewer");
    forbidden(create(owner, artifactJson(other, "x", content)), "contributor");
    forbidden(addItem(owner, otherCollection, "x"), "contributor");
    forbidden(createCollection(owner, other, "x"), "owner");
    forbidden(setRetentionResponse(owner, other), "owner");
    // a relation to an artifact the user cannot read is refused too
    forbidden(relate(owner, artifact, otherArtifact), "viewer");
    // a lookup in its own workspace does not reach into the other one
    lookup(owner, ws, otherArtifact + "@artifacts")
        .statusCode(200)
        .body("results.x.error.code", equalTo("lookup-failed"));
  }

  @Test
  void aWorkRequestTokenStillReachesOnlyItsOwnWorkRequestAndWorkspace() {
    long wr = 900_000 + (System.nanoTime() % 100_000);
    String token = workRequestToken(wr, ws);
    long ofOtherWorkRequest =
        createOk(workRequestToken(wr + 1, other), artifactJson(other, "o", content));

    forbidden(
        given().header("Authorization", token).get("/api/v1/artifacts/{id}", ofOtherWorkRequest),
        "own workspace");
    forbidden(download(token, ofOtherWorkRequest, "o"), "own workspace");
    forbidden(upload(token, artifact, "log.txt", content), "own work request");
    forbidden(addItem(token, collection, "x"), "contributor");
    forbidden(createCollection(token, ws, "x"), "owner");
  }

  @Test
  void forgedExpiredOrMisusedUserTokensAreNotAccepted() {
    String viewer = as("viewer");
    String tampered =
        viewer.substring(0, viewer.length() - 3) + (viewer.endsWith("A") ? "BBB" : "AAA");
    get(tampered, "/api/v1/artifacts/{id}", artifact)
        .statusCode(401)
        .contentType("application/problem+json");

    String expired =
        "Bearer "
            + new UserToken(
                    "late",
                    Map.of(ws, UserRole.OWNER),
                    Instant.now().minusSeconds(120),
                    Instant.now().minusSeconds(60))
                .sign(SECRET);
    get(expired, "/api/v1/artifacts/{id}", artifact).statusCode(401);

    String otherSecret =
        "Bearer "
            + UserToken.issue("x", Map.of(ws, "owner"), null, Instant.now()).sign("not-the-secret");
    get(otherSecret, "/api/v1/artifacts/{id}", artifact).statusCode(401);
  }

  private static void forbidden(Response response, String detail) {
    response
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("status", equalTo(403))
        .body("detail", containsString(detail));
  }

  private static ValidatableResponse get(String token, String path, Object id) {
    return given().header("Authorization", token).get(path, id).then();
  }

  private static Response createCollection(String token, String workspace, String name) {
    return given()
        .header("Authorization", token)
        .contentType("application/json")
        .body(
            "{\"name\":\"%s\",\"category\":\"kiln:generic\",\"workspace\":\"%s\"}"
                .formatted(name, workspace))
        .post("/api/v1/collections");
  }

  private static Response addItem(String token, long collection, String name) {
    return given()
        .header("Authorization", token)
        .contentType("application/json")
        .body("{\"name\":\"%s\",\"category\":\"kiln:generic\",\"data\":{}}".formatted(name))
        .post("/api/v1/collections/{id}/items", collection);
  }

  private static Response relate(String token, long artifact, long target) {
    return given()
        .header("Authorization", token)
        .contentType("application/json")
        .body("{\"target\":" + target + ",\"type\":\"relates-to\"}")
        .post("/api/v1/artifacts/{id}/relations", artifact);
  }

  private static ValidatableResponse setRetention(String token, String workspace) {
    return setRetentionResponse(token, workspace).then();
  }

  private static Response setRetentionResponse(String token, String workspace) {
    return given()
        .header("Authorization", token)
        .contentType("application/json")
        .body("{\"default_expiration_delay\":\"P30D\"}")
        .put("/api/v1/workspaces/{ws}/retention", workspace);
  }

  private static ValidatableResponse lookup(String token, String workspace, String lookup) {
    return lookupResponse(token, workspace, lookup).then();
  }

  private static Response lookupResponse(String token, String workspace, String lookup) {
    return given()
        .header("Authorization", token)
        .contentType("application/json")
        .body(
            "{\"workspace\":\"%s\",\"lookups\":{\"x\":{\"lookup\":\"%s\",\"expect_type\":\"artifact\"}}}"
                .formatted(workspace, lookup))
        .post("/api/v1/lookups");
  }
}

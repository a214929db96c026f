package dev.kiln.artifact;

import static dev.kiln.artifact.Fixtures.ADMIN;
import static dev.kiln.artifact.Fixtures.LOGS;
import static dev.kiln.artifact.Fixtures.artifactJson;
import static dev.kiln.artifact.Fixtures.create;
import static dev.kiln.artifact.Fixtures.createOk;
import static dev.kiln.artifact.Fixtures.download;
import static dev.kiln.artifact.Fixtures.filesJson;
import static dev.kiln.artifact.Fixtures.sha256;
import static dev.kiln.artifact.Fixtures.uniqueContent;
import static dev.kiln.artifact.Fixtures.upload;
import static dev.kiln.artifact.Fixtures.workRequestToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a token scoped to one work request may do: write in its own workspace for its own work
 * request, read what it created and its inputs (also in the workspaces its workspace inherits).
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class WorkRequestTokenAccessTest {

  private static long nextWorkRequestId() {
    // below 2^31, so the JSON numbers compare as ints
    return 1_000_000 + (long) (Math.random() * 1_000_000_000L);
  }

  @Test
  void createsUploadsAndReadsInItsOwnWorkspaceForItsOwnWorkRequest() {
    long wr = nextWorkRequestId();
    String workspace = "wr-ws-" + wr;
    String token = workRequestToken(wr, workspace);
    byte[] content = uniqueContent();

    long id =
        create(token, artifactJson(workspace, "noop.log", content))
            .then()
            .statusCode(201)
            .body("work_request_id", equalTo((int) wr))
            .body("created_by", equalTo("wr:" + wr))
            .body("workspace", equalTo(workspace))
            .extract()
            .jsonPath()
            .getLong("id");
    upload(token, id, "noop.log", content).then().statusCode(201);
    download(token, id, "noop.log").then().statusCode(200);
    given()
        .header("Authorization", token)
        .get("/api/v1/artifacts/{id}", id)
        .then()
        .statusCode(200)
        .body("work_request_id", equalTo((int) wr));

    // naming its own work request explicitly is fine too
    create(
            token,
            "{\"category\":\""
                + LOGS
                + "\",\"workspace\":\""
                + workspace
                + "\",\"data\":{},\"work_request_id\":"
                + wr
                + ",\"files\":{}}")
        .then()
        .statusCode(201)
        .body("work_request_id", equalTo((int) wr));
  }

  @Test
  void cannotCreateInAnotherWorkspace() {
    long wr = nextWorkRequestId();
    create(workRequestToken(wr, "wr-ws-" + wr), artifactJson("System", "x", uniqueContent()))
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("status", equalTo(403));
  }

  @Test
  void cannotCreateForAnotherWorkRequest() {
    long wr = nextWorkRequestId();
    String workspace = "wr-ws-" + wr;
    byte[] content = uniqueContent();
    create(
            workRequestToken(wr, workspace),
            "{\"category\":\""
                + LOGS
                + "\",\"workspace\":\""
                + workspace
                + "\",\"data\":{},\"work_request_id\":"
                + (wr + 1)
                + ",\"files\":"
                + filesJson("x", content.length, sha256(content))
                + "}")
        .then()
        .statusCode(403);
  }

  @Test
  void cannotUploadToTheArtifactOfAnotherWorkRequest() {
    long wr = nextWorkRequestId();
    String workspace = "wr-ws-" + wr;
    byte[] content = uniqueContent();
    long other =
        createOk(workRequestToken(wr + 1, workspace), artifactJson(workspace, "x", content));
    long byAdmin = createOk(ADMIN, artifactJson(workspace, "x", content));

    upload(workRequestToken(wr, workspace), other, "x", content)
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    upload(workRequestToken(wr, workspace), byAdmin, "x", content).then().statusCode(403);
    download(ADMIN, other, "x").then().statusCode(409);

    // another work request's artifact is readable only when it is one of this one's inputs
    given()
        .header("Authorization", workRequestToken(wr, workspace))
        .get("/api/v1/artifacts/{id}", other)
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    given()
        .header("Authorization", workRequestToken(wr, workspace, Set.of(other)))
        .get("/api/v1/artifacts/{id}", other)
        .then()
        .statusCode(200);
    given()
        .header("Authorization", workRequestToken(wr, workspace, Set.of(other)))
        .get("/api/v1/artifacts/{id}", byAdmin)
        .then()
        .statusCode(403);
    given()
        .header("Authorization", workRequestToken(wr, "elsewhere-" + wr))
        .get("/api/v1/artifacts/{id}", other)
        .then()
        .statusCode(403);
  }

  @Test
  void readsItsInputsInTheWorkspacesItsWorkspaceInherits() {
    long wr = nextWorkRequestId();
    String child = "wr-child-" + wr;
    String parent = "wr-parent-" + wr;
    String grand = "wr-grand-" + wr;
    inherit(child, parent);
    inherit(parent, grand);
    byte[] content = uniqueContent();
    long inGrand = createOk(ADMIN, artifactJson(grand, "base.tar", content));
    upload(ADMIN, inGrand, "base.tar", content).then().statusCode(201);

    // an input resolved through the child's chain (a collection of an inherited workspace)
    String token = workRequestToken(wr, child, Set.of(inGrand));
    given()
        .header("Authorization", token)
        .get("/api/v1/artifacts/{id}", inGrand)
        .then()
        .statusCode(200)
        .body("workspace", equalTo(grand));
    download(token, inGrand, "base.tar").then().statusCode(200);
    given()
        .header("Authorization", token)
        .get("/api/v1/artifacts/{id}/relations", inGrand)
        .then()
        .statusCode(200);

    // not one of its inputs, or from a workspace that does not inherit it: refused
    download(workRequestToken(wr, child), inGrand, "base.tar")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    String unrelated = "wr-unrelated-" + wr;
    download(workRequestToken(wr, unrelated, Set.of(inGrand)), inGrand, "base.tar")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("detail", containsString("'" + grand + "'"));
    // inheritance goes up only: the grandparent's work request does not read the child's
    long inChild = createOk(ADMIN, artifactJson(child, "x", content));
    given()
        .header("Authorization", workRequestToken(wr, grand, Set.of(inChild)))
        .get("/api/v1/artifacts/{id}", inChild)
        .then()
        .statusCode(403);
    // a change of inheritance takes effect at once
    inherit(child);
    download(token, inGrand, "base.tar").then().statusCode(403);
  }

  private static void inherit(String workspace, String... parents) {
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            "{\"chain\":["
                + String.join(
                    ",", java.util.Arrays.stream(parents).map(p -> "\"" + p + "\"").toList())
                + "]}")
        .put("/api/v1/workspaces/{w}/inheritance", workspace)
        .then()
        .statusCode(200);
  }
}

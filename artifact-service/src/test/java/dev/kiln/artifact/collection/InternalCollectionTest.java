package dev.kiln.artifact.collection;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.kiln.artifact.Fixtures;
import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The workflow service's batch API on a root workflow's internal collection: one call creates the
 * collection and writes every item; a promise never overwrites the artifact that replaced it; a
 * repeated write changes nothing; the artifacts a work request created are listed in one call.
 */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class InternalCollectionTest {

  static final String ADMIN = "Bearer kiln-dev-admin-token";

  @Test
  void batchWritesAreIdempotentAndPromisesDoNotOverwriteArtifacts() {
    String ws = "internal-" + System.nanoTime();
    long root = System.nanoTime() % 1_000_000_000L;
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/workflows/{r}/internal-collection/items?workspace=" + ws, root)
        .then()
        .statusCode(200)
        .body("$", hasSize(0));

    String promises =
        """
        {"workspace": "%s", "items": [
          {"name": "build-amd64", "category": "debusine:promise",
           "data": {"promise_work_request_id": 11, "promise_workflow_id": %d,
                    "promise_category": "debian:upload", "architecture": "amd64"}},
          {"name": "build-arm64", "category": "debusine:promise",
           "data": {"promise_work_request_id": 12, "promise_workflow_id": %d,
                    "promise_category": "debian:upload", "architecture": "arm64"}},
          {"name": "config", "category": "debusine:test", "data": {"n": 1}, "replace": true}
        ]}
        """
            .formatted(ws, root, root);
    write(root, promises).body("written", equalTo(3)).body("kept", equalTo(0));
    write(root, promises).body("written", equalTo(1)).body("kept", equalTo(2));

    // Fulfil build-amd64 with a real artifact that work request 11 created.
    String generic =
        "{\"category\":\"kiln:generic\",\"workspace\":\"" + ws + "\",\"data\":{},\"files\":{}}";
    long artifact = Fixtures.createOk(Fixtures.workRequestToken(11, ws), generic);
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/artifacts?created_by_work_request=11")
        .then()
        .statusCode(200)
        .body("id", contains((int) artifact))
        .body("[0].work_request_id", equalTo(11));
    // The producers of many promises are listed in one call.
    long other = Fixtures.createOk(Fixtures.workRequestToken(12, ws), generic);
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/artifacts?created_by_work_request=12&created_by_work_request=11")
        .then()
        .statusCode(200)
        .body("id", contains((int) artifact, (int) other))
        .body("work_request_id", contains(11, 12));
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/artifacts")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("created_by_work_request"));
    write(
            root,
            """
            {"workspace": "%s", "items": [{"name": "build-amd64", "artifact_id": %d,
              "data": {"architecture": "amd64"}, "replace": true}]}
            """
                .formatted(ws, artifact))
        .body("written", equalTo(1));
    // A redelivered promise write keeps the artifact.
    write(root, promises).body("kept", equalTo(2));

    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/workflows/{r}/internal-collection/items?workspace=" + ws, root)
        .then()
        .statusCode(200)
        .body("name", contains("build-amd64", "build-arm64", "config"))
        .body("[0].child_type", equalTo("artifact"))
        .body("[0].artifact_id", equalTo((int) artifact))
        .body("[0].category", equalTo("kiln:generic"))
        .body("[1].category", equalTo("debusine:promise"));
    given()
        .header("Authorization", ADMIN)
        .get(
            "/api/v1/workflows/{r}/internal-collection/items?workspace="
                + ws
                + "&name=config&name=build-arm64",
            root)
        .then()
        .statusCode(200)
        .body("name", contains("build-arm64", "config"));
    // The lookup API sees the same collection.
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            "{\"workspace\":\"%s\",\"workflow_root_id\":%d,\"lookups\":{\"x\":{\"lookup\":\"internal@collections/name:build-arm64\"}}}"
                .formatted(ws, root))
        .post("/api/v1/lookups")
        .then()
        .statusCode(200)
        .body("results.x.result_type", equalTo("bare"))
        .body("results.x.collection_item.data.architecture", equalTo("arm64"));
  }

  @Test
  void invalidItemsNameTheField() {
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            "{\"workspace\":\"w\",\"items\":[{\"name\":\"a/b\",\"category\":\"x\"},"
                + "{\"name\":\"c\"},{\"name\":\"d\",\"artifact_id\":999999999}]}")
        .post("/api/v1/workflows/1/internal-collection/items")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", contains("items[0].name", "items[1].category"));
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"workspace\":\"w\",\"items\":[{\"name\":\"d\",\"artifact_id\":999999999}]}")
        .post("/api/v1/workflows/1/internal-collection/items")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("items[0].artifact_id"))
        .body("errors[0].message", containsString("no artifact"));
  }

  private static io.restassured.response.ValidatableResponse write(long root, String body) {
    return given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/workflows/{r}/internal-collection/items", root)
        .then()
        .statusCode(200);
  }
}

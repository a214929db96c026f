package dev.kiln.artifact.retention;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.artifact.Fixtures;
import dev.kiln.artifact.store.FileStore;
import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class RetentionTest {

  static final String ADMIN = "Bearer kiln-dev-admin-token";

  @Inject FileStore store;

  @Test
  void expiredArtifactsGoUnlessARelationOrCollectionItemKeepsThem() throws Exception {
    String ws = "retention-" + System.nanoTime();
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"default_expiration_delay\":\"PT1S\"}")
        .put("/api/v1/workspaces/{ws}/retention", ws)
        .then()
        .statusCode(200);

    byte[] shared = Fixtures.uniqueContent();
    byte[] alone = Fixtures.uniqueContent();
    long expired = uploaded(ws, null, shared); // expires, content still used by `forever`
    long lonely = uploaded(ws, null, alone); // expires, its content used by nothing else
    long forever = uploaded(ws, "PT0S", shared); // never expires
    long related =
        uploaded(ws, null, Fixtures.uniqueContent()); // expires, but forever relates to it
    long inCollection =
        uploaded(ws, null, Fixtures.uniqueContent()); // expires, but held by an item

    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"target\":" + related + ",\"type\":\"relates-to\"}")
        .post("/api/v1/artifacts/{id}/relations", forever)
        .then()
        .statusCode(201);
    long collection =
        ((Number)
                given()
                    .header("Authorization", ADMIN)
                    .contentType("application/json")
                    .body(
                        "{\"name\":\"keep\",\"category\":\"kiln:generic\",\"workspace\":\""
                            + ws
                            + "\"}")
                    .post("/api/v1/collections")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id"))
            .longValue();
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"name\":\"held\",\"artifact_id\":" + inCollection + "}")
        .post("/api/v1/collections/{id}/items", collection)
        .then()
        .statusCode(201);

    Thread.sleep(1500); // let the one-second default delay pass
    given()
        .header("Authorization", ADMIN)
        .post("/api/v1/retention/sweep")
        .then()
        .statusCode(200)
        .body("deleted_artifacts", org.hamcrest.Matchers.greaterThanOrEqualTo(2));

    for (long gone : new long[] {expired, lonely}) {
      given()
          .header("Authorization", ADMIN)
          .get("/api/v1/artifacts/{id}", gone)
          .then()
          .statusCode(404);
    }
    for (long kept : new long[] {forever, related, inCollection}) {
      given()
          .header("Authorization", ADMIN)
          .get("/api/v1/artifacts/{id}", kept)
          .then()
          .statusCode(200);
    }
    assertTrue(store.contains(Fixtures.sha256(shared)), "content still used is kept");
    assertFalse(store.contains(Fixtures.sha256(alone)), "content no artifact uses is deleted");
    Fixtures.download(ADMIN, forever, "f").then().statusCode(200);
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/artifacts/{id}/relations", related)
        .then()
        .statusCode(200)
        .body("[0].artifact", equalTo((int) forever));
  }

  @Test
  void relationsAndDelaysAreValidated() {
    String ws = "relations-" + System.nanoTime();
    long a = Fixtures.createOk(ADMIN, Fixtures.artifactJson(ws, "f", Fixtures.uniqueContent()));
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"target\":" + a + ",\"type\":\"likes\"}")
        .post("/api/v1/artifacts/{id}/relations", a)
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("type"));
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"target\":999999999,\"type\":\"extends\"}")
        .post("/api/v1/artifacts/{id}/relations", a)
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("target"));
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            "{\"category\":\"kiln:generic\",\"workspace\":\""
                + ws
                + "\",\"expiration_delay\":\"-PT5S\"}")
        .post("/api/v1/artifacts")
        .then()
        .statusCode(400)
        .body("errors.field", org.hamcrest.Matchers.hasItem("expiration_delay"));
  }

  private static long uploaded(String ws, String delay, byte[] content) {
    String json = Fixtures.artifactJson(ws, "f", content);
    if (delay != null) {
      json = json.substring(0, json.length() - 1) + ",\"expiration_delay\":\"" + delay + "\"}";
    }
    long id = Fixtures.createOk(ADMIN, json);
    Fixtures.upload(ADMIN, id, "f", content);
    return id;
  }
}

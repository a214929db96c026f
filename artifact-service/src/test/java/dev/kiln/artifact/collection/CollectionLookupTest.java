package dev.kiln.artifact.collection;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.kiln.common.auth.WorkRequestToken;
import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class CollectionLookupTest {

  static final String ADMIN = "Bearer kiln-dev-admin-token";

  @Test
  void everyLookupFormAgainstEnvironments() {
    String ws = "lookups-" + System.nanoTime();
    long envs = collection(ws, "debian", "debian:environments");
    long bookworm = tarball(ws, "bookworm", "amd64");
    long trixie = tarball(ws, "trixie", "amd64");
    addEnvironment(envs, bookworm, "bookworm", "amd64", "")
        .statusCode(201)
        .body("name", equalTo("tarball:bookworm:amd64::unshare"));
    addEnvironment(envs, trixie, "trixie", "amd64", "").statusCode(201);

    String body =
        """
        {"workspace": "%s", "lookups": {
          "env": {"lookup": "debian@debian:environments/match:codename=bookworm:architecture=amd64", "expect_type": "artifact"},
          "default_category": {"lookup": "debian/match:codename=trixie:format=tarball", "default_category": "debian:environments"},
          "by_id": {"lookup": "%d@artifacts", "expect_type": "artifact"},
          "integer": {"lookup": %d},
          "collection": {"lookup": "debian@debian:environments", "expect_type": "collection"},
          "by_name": {"lookup": "debian@debian:environments/name:tarball:bookworm:amd64::unshare"},
          "dict": {"lookup": {"collection": "debian@debian:environments", "data__codename": "bookworm"}},
          "list": {"lookup": [%d, "%d@artifacts"]},
          "missing": {"lookup": "debian@debian:environments/match:codename=sid"},
          "no_collection": {"lookup": "ubuntu@debian:environments/match:codename=noble"},
          "malformed": {"lookup": "debian@nope"},
          "wrong_type": {"lookup": "debian@debian:environments", "expect_type": "artifact"},
          "internal": {"lookup": "internal@collections/name:x"}
        }}
        """
            .formatted(ws, bookworm, bookworm, bookworm, trixie);
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/lookups")
        .then()
        .statusCode(200)
        .body("results.env.result_type", equalTo("artifact"))
        .body("results.env.artifact.id", equalTo((int) bookworm))
        .body("results.env.artifact.data.codename", equalTo("bookworm"))
        .body("results.env.collection_item.data.backend", equalTo("unshare"))
        .body("results.default_category.artifact.id", equalTo((int) trixie))
        .body("results.by_id.artifact.id", equalTo((int) bookworm))
        .body("results.integer.artifact.id", equalTo((int) bookworm))
        .body("results.collection.collection.id", equalTo((int) envs))
        .body("results.by_name.artifact.id", equalTo((int) bookworm))
        .body("results.dict.results", hasSize(1))
        .body("results.dict.results[0].artifact.id", equalTo((int) bookworm))
        .body(
            "results.list.results.artifact.id",
            org.hamcrest.Matchers.contains((int) bookworm, (int) trixie))
        .body("results.missing.error.code", equalTo("lookup-failed"))
        .body("results.missing.error.message", containsString("codename=sid"))
        .body("results.no_collection.error.code", equalTo("lookup-failed"))
        .body("results.no_collection.error.message", containsString("ubuntu@debian:environments"))
        .body("results.malformed.error.code", equalTo("invalid-lookup"))
        .body("results.wrong_type.error.code", equalTo("invalid-lookup"))
        .body("results.wrong_type.error.message", containsString("expected artifact"))
        .body("results.internal.error.code", equalTo("invalid-lookup"))
        .body("results.env.error", nullValue());
  }

  @Test
  void newestMatchWinsAndReplacementRetiresTheOldItem() {
    String ws = "newest-" + System.nanoTime();
    long envs = collection(ws, "debian", "debian:environments");
    long older = tarball(ws, "bookworm", "amd64");
    long newer = tarball(ws, "bookworm", "amd64");
    addEnvironment(envs, older, "bookworm", "amd64", "").statusCode(201);
    addEnvironment(envs, newer, "bookworm", "amd64", "sbuild").statusCode(201);
    lookup(ws, "debian@debian:environments/match:codename=bookworm")
        .body("results.x.artifact.id", equalTo((int) newer));
    lookup(ws, "debian@debian:environments/match:codename=bookworm:variant=")
        .body("results.x.artifact.id", equalTo((int) older));

    // same name again: refused unless replacing, and a replacement retires the old item
    addEnvironment(envs, newer, "bookworm", "amd64", "")
        .statusCode(409)
        .contentType("application/problem+json");
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            "{\"artifact_id\":%d,\"replace\":true,\"data\":{\"codename\":\"bookworm\",\"architecture\":\"amd64\",\"variant\":\"\",\"backend\":\"unshare\"}}"
                .formatted(newer))
        .post("/api/v1/collections/{id}/items", envs)
        .then()
        .statusCode(201);
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/collections/{id}/items", envs)
        .then()
        .statusCode(200)
        .body("$", hasSize(2))
        .body("artifact_id", org.hamcrest.Matchers.everyItem(equalTo((int) newer)));
  }

  @Test
  void aBatchOfMatchLookupsFindsEachItsOwnNewestItem() {
    // one batch, many architectures of one collection (read together): each lookup gets its own
    // item, the newest of its match, and one that matches nothing fails alone
    String ws = "batch-" + System.nanoTime();
    long envs = collection(ws, "debian", "debian:environments");
    int n = 12;
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = tarball(ws, "bookworm", "arch" + i);
      addEnvironment(envs, ids[i], "bookworm", "arch" + i, "").statusCode(201);
    }
    long newer = tarball(ws, "bookworm", "arch3");
    addEnvironment(envs, newer, "bookworm", "arch3", "sbuild").statusCode(201);
    long trixie = tarball(ws, "trixie", "arch5");
    addEnvironment(envs, trixie, "trixie", "arch5", "").statusCode(201);
    StringBuilder lookups = new StringBuilder();
    for (int i = 0; i < n; i++) {
      lookups
          .append("\"a")
          .append(i)
          .append(
              "\": {\"lookup\": \"debian@debian:environments/match:codename=bookworm:architecture=arch")
          .append(i)
          .append(":format=tarball\", \"expect_type\": \"artifact\"},");
    }
    lookups
        .append(
            "\"reordered\": {\"lookup\": \"debian@debian:environments/match:architecture=arch7:codename=bookworm:format=tarball\"},")
        .append(
            "\"trixie\": {\"lookup\": \"debian@debian:environments/match:architecture=arch5:codename=trixie:format=tarball\"},")
        .append(
            "\"missing\": {\"lookup\": \"debian@debian:environments/match:codename=bookworm:architecture=none:format=tarball\"},")
        .append(
            "\"by_name\": {\"lookup\": \"debian@debian:environments/name:tarball:bookworm:arch2::unshare\"},")
        .append(
            "\"no_name\": {\"lookup\": \"debian@debian:environments/name:tarball:sid:arch2::unshare\"}");
    ValidatableResponse r =
        given()
            .header("Authorization", ADMIN)
            .contentType("application/json")
            .body("{\"workspace\": \"" + ws + "\", \"lookups\": {" + lookups + "}}")
            .post("/api/v1/lookups")
            .then()
            .statusCode(200);
    for (int i = 0; i < n; i++) {
      r.body("results.a" + i + ".artifact.id", equalTo((int) (i == 3 ? newer : ids[i])))
          .body("results.a" + i + ".artifact.data.architecture", equalTo("arch" + i));
    }
    r.body("results.a3.collection_item.data.variant", equalTo("sbuild"))
        .body("results.reordered.artifact.id", equalTo((int) ids[7]))
        .body("results.trixie.artifact.id", equalTo((int) trixie))
        .body("results.missing.error.code", equalTo("lookup-failed"))
        .body("results.missing.error.message", containsString("architecture=none"))
        .body("results.by_name.artifact.id", equalTo((int) ids[2]))
        .body("results.no_name.error.code", equalTo("lookup-failed"));
  }

  @Test
  void singletonsAndValidation() {
    String ws = "singleton-" + System.nanoTime();
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            "{\"name\":\"history\",\"category\":\"debusine:task-history\",\"workspace\":\""
                + ws
                + "\"}")
        .post("/api/v1/collections")
        .then()
        .statusCode(400)
        .body("errors.field", org.hamcrest.Matchers.hasItem("name"));
    long history = collection(ws, "_", "debusine:task-history");
    lookup(ws, "_@debusine:task-history").body("results.x.collection.id", equalTo((int) history));
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"name\":\"x\",\"category\":\"debian:nonsense\",\"workspace\":\"" + ws + "\"}")
        .post("/api/v1/collections")
        .then()
        .statusCode(400)
        .body("errors.field", org.hamcrest.Matchers.hasItem("category"));
    collection(ws, "dup", "debian:suite");
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"name\":\"dup\",\"category\":\"debian:suite\",\"workspace\":\"" + ws + "\"}")
        .post("/api/v1/collections")
        .then()
        .statusCode(409);
  }

  @Test
  void workRequestTokensNeverLookUp() {
    // a work request's inputs reach it resolved in dynamic_task_data: its token runs no lookups,
    // in its own workspace or another
    String ws = "wr-lookup-" + System.nanoTime();
    long id = collection(ws, "debian", "debian:environments");
    String own =
        "Bearer "
            + new WorkRequestToken(1, 1, ws, Instant.now().plusSeconds(600))
                .sign("kiln-dev-work-request-token-secret");
    for (String workspace : new String[] {ws, "other"}) {
      given()
          .header("Authorization", own)
          .contentType("application/json")
          .body(
              "{\"workspace\":\""
                  + workspace
                  + "\",\"lookups\":{\"x\":{\"lookup\":\"debian@debian:environments\"}}}")
          .post("/api/v1/lookups")
          .then()
          .statusCode(403)
          .contentType("application/problem+json")
          .body("detail", containsString("dynamic task data"));
    }
    given().header("Authorization", own).get("/api/v1/collections/{id}", id).then().statusCode(403);
    lookup(ws, "debian@debian:environments").body("results.x.result_type", equalTo("collection"));
  }

  private static ValidatableResponse lookup(String ws, String lookup) {
    return given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"workspace\":\"" + ws + "\",\"lookups\":{\"x\":{\"lookup\":\"" + lookup + "\"}}}")
        .post("/api/v1/lookups")
        .then()
        .statusCode(200);
  }

  private static long collection(String ws, String name, String category) {
    return ((Number)
            given()
                .header("Authorization", ADMIN)
                .contentType("application/json")
                .body(
                    "{\"name\":\"%s\",\"category\":\"%s\",\"workspace\":\"%s\"}"
                        .formatted(name, category, ws))
                .post("/api/v1/collections")
                .then()
                .statusCode(201)
                .extract()
                .path("id"))
        .longValue();
  }

  private static long tarball(String ws, String codename, String arch) {
    return ((Number)
            given()
                .header("Authorization", ADMIN)
                .contentType("application/json")
                .body(
                    ("{\"category\":\"debian:system-tarball\",\"workspace\":\"%s\",\"data\":{"
                            + "\"filename\":\"system.tar.xz\",\"vendor\":\"debian\",\"codename\":\"%s\","
                            + "\"mirror\":\"http://deb.debian.org/debian\",\"components\":[\"main\"],"
                            + "\"variant\":null,\"pkglist\":{},\"architecture\":\"%s\","
                            + "\"with_dev\":true,\"with_init\":true},\"files\":{}}")
                        .formatted(ws, codename, arch))
                .post("/api/v1/artifacts")
                .then()
                .statusCode(201)
                .extract()
                .path("id"))
        .longValue();
  }

  private static ValidatableResponse addEnvironment(
      long collection, long artifact, String codename, String arch, String variant) {
    return given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            "{\"artifact_id\":%d,\"data\":{\"codename\":\"%s\",\"architecture\":\"%s\",\"variant\":\"%s\",\"backend\":\"unshare\"}}"
                .formatted(artifact, codename, arch, variant))
        .post("/api/v1/collections/{id}/items", collection)
        .then();
  }
}

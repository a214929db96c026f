package dev.kiln.artifact.collection;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/collections/copy-items}: one call, one lookup batch, one transaction. */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class CopyItemsTest {

  static final String ADMIN = "Bearer kiln-dev-admin-token";

  private static long post(String path, String json) {
    return ((Number)
            given()
                .header("Authorization", ADMIN)
                .contentType("application/json")
                .body(json.replace('\'', '"'))
                .post(path)
                .then()
                .statusCode(201)
                .extract()
                .path("id"))
        .longValue();
  }

  private static long tarball(String ws, String codename) {
    return post(
        "/api/v1/artifacts",
        ("{'category': 'debian:system-tarball', 'workspace': '%s', 'data': {"
                + "'filename': 'system.tar.xz', 'vendor': 'debian', 'codename': '%s',"
                + " 'mirror': 'http://deb.debian.org/debian', 'components': ['main'],"
                + " 'variant': null, 'pkglist': {}, 'architecture': 'amd64',"
                + " 'with_dev': true, 'with_init': true}, 'files': {}}")
            .formatted(ws, codename));
  }

  private static String items(long collection) {
    return given()
        .header("Authorization", ADMIN)
        .get("/api/v1/collections/" + collection + "/items")
        .then()
        .statusCode(200)
        .extract()
        .asString();
  }

  private static io.restassured.response.ValidatableResponse batch(long collection, String json) {
    return given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(json.replace('\'', '"'))
        .post("/api/v1/collections/" + collection + "/items/batch")
        .then();
  }

  @Test
  void aBatchOfItemsIsAddedAllOrNothingAndTheSameItemsAgainChangeNothing() {
    String ws = "batch-" + System.nanoTime();
    long envs =
        post(
            "/api/v1/collections",
            "{'name': 'debian', 'category': 'debian:environments', 'workspace': '" + ws + "'}");
    long bookworm = tarball(ws, "bookworm");
    long trixie = tarball(ws, "trixie");
    long sid = tarball(ws, "sid");
    String item =
        "{'artifact_id': %d, 'replace': true, 'data': {'codename': '%s', 'architecture':"
            + " 'amd64', 'variant': '', 'backend': 'unshare'}}";
    String two =
        "{'items': ["
            + item.formatted(bookworm, "bookworm")
            + ", "
            + item.formatted(trixie, "trixie")
            + "]}";

    batch(envs, two).statusCode(201).body("artifact_id", contains((int) bookworm, (int) trixie));
    String after = items(envs);
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/collections/" + envs + "/items")
        .then()
        .body("artifact_id", containsInAnyOrder((int) bookworm, (int) trixie));

    // the same batch again (a redelivered reaction): nothing is retired or added
    batch(envs, two).statusCode(201);
    assertEquals(after, items(envs));

    // one refused item: none of the batch is added
    batch(
            envs,
            "{'items': ["
                + item.formatted(sid, "sid")
                + ", "
                + item.formatted(987654321L, "forky")
                + "]}")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", contains("artifact_id"));
    assertEquals(after, items(envs));

    batch(envs, "{'items': []}")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", contains("items"));
  }

  @Test
  void itemsAreCopiedWithTheirDataAndTemplatedNamesInOneCall() {
    String ws = "copy-" + System.nanoTime();
    long envs =
        post(
            "/api/v1/collections",
            "{'name': 'debian', 'category': 'debian:environments', 'workspace': '" + ws + "'}");
    long generic =
        post(
            "/api/v1/collections",
            "{'name': 'keep', 'category': 'kiln:generic', 'workspace': '" + ws + "'}");
    long bookworm = tarball(ws, "bookworm");
    long trixie = tarball(ws, "trixie");
    for (long[] a : new long[][] {{bookworm}, {trixie}}) {
      String codename = a[0] == bookworm ? "bookworm" : "trixie";
      post(
          "/api/v1/collections/" + envs + "/items",
          ("{'artifact_id': %d, 'data': {'codename': '%s', 'architecture': 'amd64',"
                  + " 'variant': '', 'backend': 'unshare'}}")
              .formatted(a[0], codename));
    }

    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            ("{'workspace': '%s', 'copies': ["
                    + "{'source_items': {'collection': 'debian@debian:environments'},"
                    + " 'target_collection': 'keep@kiln:generic',"
                    + " 'name_template': '{codename}-{suite}', 'variables': {'suite': 'stable'}},"
                    + "{'source_items': '%d@artifacts', 'target_collection': 'keep@kiln:generic',"
                    + " 'name_template': 'by-id'}]}")
                .formatted(ws, bookworm)
                .replace('\'', '"'))
        .post("/api/v1/collections/copy-items")
        .then()
        .statusCode(201)
        .body("copies", hasSize(2))
        .body("copies[0].name", containsInAnyOrder("bookworm-stable", "trixie-stable"))
        .body("copies[0][0].data.suite", equalTo("stable"))
        .body("copies[1].name", contains("by-id"));

    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/collections/{id}/items", generic)
        .then()
        .statusCode(200)
        .body("name", containsInAnyOrder("bookworm-stable", "trixie-stable", "by-id"))
        .body("find { it.name == 'by-id' }.artifact_id", equalTo((int) bookworm));
  }

  @Test
  void aFailingLookupNamesTheCopyAndNothingIsCopied() {
    String ws = "copy-fail-" + System.nanoTime();
    long generic =
        post(
            "/api/v1/collections",
            "{'name': 'keep', 'category': 'kiln:generic', 'workspace': '" + ws + "'}");
    long a = tarball(ws, "bookworm");
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            ("{'workspace': '%s', 'copies': ["
                    + "{'source_items': '%d@artifacts', 'target_collection': 'keep@kiln:generic',"
                    + " 'name_template': 'ok'},"
                    + "{'source_items': 'nope@kiln:generic/name:x',"
                    + " 'target_collection': 'keep@kiln:generic'}]}")
                .formatted(ws, a)
                .replace('\'', '"'))
        .post("/api/v1/collections/copy-items")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", contains("copies[1].source_items"));
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/collections/{id}/items", generic)
        .then()
        .statusCode(200)
        .body("$", hasSize(0));
  }
}

package dev.kiln.artifact.collection;

import static dev.kiln.artifact.Fixtures.ADMIN;
import static dev.kiln.artifact.Fixtures.userToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import dev.kiln.artifact.Fixtures;
import dev.kiln.common.auth.UserRole;
import dev.kiln.common.auth.UserToken;
import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lookups through workspace inheritance, against the real service and database. */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class WorkspaceInheritanceTest {

  @Test
  void lookupsFallBackToParentsDepthFirstAndOwnCollectionsWin() {
    String n = "-" + System.nanoTime();
    String child = "child" + n;
    String first = "first" + n;
    String grand = "grand" + n;
    String second = "second" + n;
    // child -> [first, second], first -> [grand]: the order is child, first, grand, second
    setChain(ADMIN, first, grand).statusCode(200);
    setChain(ADMIN, child, first, second).statusCode(200).body("chain[1]", equalTo(second));
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/workspaces/{w}/inheritance", child)
        .then()
        .statusCode(200)
        .body("chain", org.hamcrest.Matchers.contains(first, second));

    long grandEnvs = collection(grand, "debian", "debian:environments");
    long secondEnvs = collection(second, "debian", "debian:environments");
    long inGrand = tarball(grand, "bookworm");
    long inSecond = tarball(second, "bookworm");
    addEnvironment(grandEnvs, inGrand, "bookworm");
    addEnvironment(secondEnvs, inSecond, "bookworm");
    long history = collection(second, "_", "debusine:task-history");
    long suite = collection(second, "bookworm", "debian:suite");

    lookup(ADMIN, child, "debian@debian:environments/match:codename=bookworm")
        .body("results.x.artifact.id", equalTo((int) inGrand));
    lookup(ADMIN, child, "_@debusine:task-history")
        .body("results.x.collection.id", equalTo((int) history));
    lookup(ADMIN, child, suite + "@collections")
        .body("results.x.collection.id", equalTo((int) suite));
    lookup(ADMIN, child, "bookworm@debian:suite")
        .body("results.x.collection.id", equalTo((int) suite));
    // a parent looks up in its own chain only, never in its children's
    lookup(ADMIN, grand, "bookworm@debian:suite")
        .body("results.x.error.code", equalTo("lookup-failed"))
        .body("results.x.error.message", containsString("bookworm@debian:suite"));

    // the workspace's own collection comes first
    long ownEnvs = collection(child, "debian", "debian:environments");
    long own = tarball(child, "bookworm");
    addEnvironment(ownEnvs, own, "bookworm");
    lookup(ADMIN, child, "debian@debian:environments/match:codename=bookworm")
        .body("results.x.artifact.id", equalTo((int) own));

    // inheritance changes take effect at once
    setChain(ADMIN, child, first).statusCode(200);
    lookup(ADMIN, child, "_@debusine:task-history")
        .body("results.x.error.code", equalTo("lookup-failed"))
        .body("results.x.error.message", containsString("inherits from [" + first + ", " + grand));
  }

  @Test
  void loopsSelfAndRepeatsAreRefusedNamingTheEntry() {
    String n = "-" + System.nanoTime();
    String a = "a" + n;
    String b = "b" + n;
    String c = "c" + n;
    setChain(ADMIN, a, b).statusCode(200);
    setChain(ADMIN, b, c).statusCode(200);
    setChain(ADMIN, c, "other" + n, a)
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("chain[1]"))
        .body("errors[0].message", containsString("loop"));
    setChain(ADMIN, a, a)
        .statusCode(400)
        .body("errors.field", hasItem("chain[0]"))
        .body("errors[0].message", containsString("itself"));
    setChain(ADMIN, a, b, b).statusCode(400).body("errors.field", hasItem("chain[1]"));
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{}")
        .put("/api/v1/workspaces/{w}/inheritance", a)
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("chain"));
    // nothing of the refused changes was kept
    given()
        .header("Authorization", ADMIN)
        .get("/api/v1/workspaces/{w}/inheritance", c)
        .then()
        .statusCode(200)
        .body("chain", org.hamcrest.Matchers.empty());
  }

  @Test
  void usersSeeOnlyTheInheritedWorkspacesTheyMayRead() {
    String n = "-" + System.nanoTime();
    String child = "user-child" + n;
    String base = "user-base" + n;
    long envs = collection(base, "debian", "debian:environments");
    long tarball = tarball(base, "trixie");
    addEnvironment(envs, tarball, "trixie");

    // an owner of the child must be able to read the parent to inherit from it
    String ownerOnly = userToken("owner-only", Map.of(child, "owner"));
    setChain(ownerOnly, child, base)
        .statusCode(403)
        .contentType("application/problem+json")
        .body("detail", containsString(base));
    String contributor = userToken("contributor", Map.of(child, "contributor", base, "owner"));
    setChain(contributor, child, base).statusCode(403);
    String owner = userToken("owner", Map.of(child, "owner", base, "viewer"));
    setChain(owner, child, base).statusCode(200);

    String both = userToken("both", Map.of(child, "viewer", base, "viewer"));
    lookup(both, child, "debian@debian:environments/match:codename=trixie")
        .body("results.x.artifact.id", equalTo((int) tarball))
        .body("results.x.error", nullValue());
    // a caller who cannot read the parent does not see what it holds
    String childOnly = userToken("child-only", Map.of(child, "viewer"));
    lookup(childOnly, child, "debian@debian:environments/match:codename=trixie")
        .body("results.x.error.code", equalTo("lookup-failed"));
    lookup(childOnly, child, envs + "@collections")
        .body("results.x.error.code", equalTo("lookup-failed"));
    // the scheduler preparing the child's work requests searches all the child inherits
    String preparation = schedulerLookupToken(child);
    lookup(preparation, child, "debian@debian:environments/match:codename=trixie")
        .body("results.x.artifact.id", equalTo((int) tarball))
        .body("results.x.error", nullValue());
    // ... from the child only: the parent itself it does not read
    given()
        .header("Authorization", preparation)
        .contentType("application/json")
        .body(
            "{\"workspace\":\"" + base + "\",\"lookups\":{\"x\":{\"lookup\":\"_@debian:suite\"}}}")
        .post("/api/v1/lookups")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", userToken("stranger", Map.of("elsewhere" + n, "owner")))
        .get("/api/v1/workspaces/{w}/inheritance", child)
        .then()
        .statusCode(403);
  }

  /** The token the scheduler's lookups carry for a workspace ({@code ArtifactLookupClient}). */
  private static String schedulerLookupToken(String workspace) {
    Instant now = Instant.now();
    return "Bearer "
        + new UserToken(
                UserToken.PREPARATION_USER,
                Map.of(workspace, UserRole.VIEWER),
                now,
                now.plusSeconds(300))
            .sign(Fixtures.SECRET);
  }

  private static ValidatableResponse setChain(String token, String workspace, String... parents) {
    StringBuilder body = new StringBuilder("{\"chain\":[");
    for (int i = 0; i < parents.length; i++) {
      body.append(i == 0 ? "" : ",").append('"').append(parents[i]).append('"');
    }
    body.append("]}");
    return given()
        .header("Authorization", token)
        .contentType("application/json")
        .body(body.toString())
        .put("/api/v1/workspaces/{w}/inheritance", workspace)
        .then();
  }

  private static ValidatableResponse lookup(String token, String ws, String lookup) {
    return given()
        .header("Authorization", token)
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

  private static long tarball(String ws, String codename) {
    return ((Number)
            given()
                .header("Authorization", ADMIN)
                .contentType("application/json")
                .body(
                    ("{\"category\":\"debian:system-tarball\",\"workspace\":\"%s\",\"data\":{"
                            + "\"filename\":\"system.tar.xz\",\"vendor\":\"debian\",\"codename\":\"%s\","
                            + "\"mirror\":\"http://deb.debian.org/debian\",\"components\":[\"main\"],"
                            + "\"variant\":null,\"pkglist\":{},\"architecture\":\"amd64\","
                            + "\"with_dev\":true,\"with_init\":true},\"files\":{}}")
                        .formatted(ws, codename))
                .post("/api/v1/artifacts")
                .then()
                .statusCode(201)
                .extract()
                .path("id"))
        .longValue();
  }

  private static void addEnvironment(long collection, long artifact, String codename) {
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(
            "{\"artifact_id\":%d,\"data\":{\"codename\":\"%s\",\"architecture\":\"amd64\",\"variant\":\"\",\"backend\":\"unshare\"}}"
                .formatted(artifact, codename))
        .post("/api/v1/collections/{id}/items", collection)
        .then()
        .statusCode(201);
  }
}

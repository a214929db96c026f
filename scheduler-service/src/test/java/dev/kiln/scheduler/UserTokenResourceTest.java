package dev.kiln.scheduler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.common.auth.UserRole;
import dev.kiln.common.auth.UserToken;
import dev.kiln.common.auth.WorkRequestToken;
import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class UserTokenResourceTest {

  static final String ADMIN = "Bearer kiln-dev-admin-token";
  static final String SECRET = "kiln-dev-work-request-token-secret";

  private static Response issue(String auth, String body) {
    return given()
        .header("Authorization", auth)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/user-tokens");
  }

  @Test
  void anAdministratorIssuesATokenEveryServiceCanVerify() {
    Response r =
        issue(
            ADMIN,
            "{\"user\":\"alice\",\"workspaces\":{\"debian\":\"contributor\",\"Sandbox\":\"owner\"},"
                + "\"expires_in\":\"P7D\"}");
    r.then()
        .statusCode(201)
        .body("user", equalTo("alice"))
        .body("workspaces.debian", equalTo("contributor"))
        .body("workspaces.Sandbox", equalTo("owner"));

    UserToken token = UserToken.verify(r.path("token"), SECRET, Instant.now());
    assertEquals("alice", token.user());
    assertEquals(Optional.of(UserRole.CONTRIBUTOR), token.roleIn("debian"));
    assertEquals(Optional.of(UserRole.OWNER), token.roleIn("Sandbox"));
    assertEquals(Duration.ofDays(7), Duration.between(token.issuedAt(), token.expiresAt()));
    assertEquals(token.expiresAt(), Instant.parse(r.path("expires_at")));
    assertTrue(((String) r.path("token")).startsWith("kusr1."));
  }

  @Test
  void badInputIsAProblemNamingEachField() {
    issue(
            ADMIN,
            "{\"user\":\"no spaces\",\"workspaces\":{\"debian\":\"maintainer\"},\"expires_in\":\"P400D\"}")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", containsInAnyOrder("user", "workspaces.debian", "expires_in"));
    issue(
            ADMIN,
            "{\"user\":\"bob\",\"workspaces\":{\"debian\":\"viewer\"},\"expires_in\":\"soon\"}")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", containsInAnyOrder("expires_in"));
    issue(ADMIN, "{\"user\":\"bob\",\"workspaces\":{\"debian\":\"viewer\"},\"admin\":true}")
        .then()
        .statusCode(400)
        .body("errors.field", containsInAnyOrder("admin"));
  }

  @Test
  void onlyAdministratorsIssue() {
    String body = "{\"user\":\"mallory\",\"workspaces\":{\"debian\":\"owner\"}}";
    String wrToken =
        new WorkRequestToken(1, 1, "debian", Instant.now().plusSeconds(60)).sign(SECRET);
    issue("Bearer " + wrToken, body)
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("detail", containsString("administrators"));
    issue("Bearer not-a-token", body).then().statusCode(401);

    // a user, even a workspace owner, is no administrator; their token reads their workspaces
    String userToken =
        UserToken.issue("alice", Map.of("debian", "owner"), null, Instant.now()).sign(SECRET);
    issue("Bearer " + userToken, body)
        .then()
        .statusCode(403)
        .body("detail", containsString("administrators"));
    given()
        .header("Authorization", "Bearer " + userToken)
        .get("/api/v1/work-requests")
        .then()
        .statusCode(200);
  }
}

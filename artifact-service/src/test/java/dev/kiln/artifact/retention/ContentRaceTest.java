package dev.kiln.artifact.retention;

import static dev.kiln.artifact.Fixtures.ADMIN;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.artifact.Fixtures;
import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * An upload and the retention sweep claiming and deleting the same content at the same moment,
 * against the real database: the sweep is stopped between its decision that the content is unused
 * and the deletion of its bytes ({@link PausingFileStore}), and an upload of that content runs
 * then. Without a per-content lock the upload finds the bytes still there, completes as a
 * duplicate, and the sweep deletes them afterwards: a complete file without content.
 */
@QuarkusTest
@TestProfile(ContentRaceTest.Profile.class)
@QuarkusTestResource(KilnInfraTestResource.class)
class ContentRaceTest {

  /** Selects the pausing store. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(PausingFileStore.Producer.class);
    }
  }

  @Inject DataSource db;

  @Test
  void anUploadRacingTheSweepForItsContentEndsWithTheContentStored() throws Exception {
    String expiring = "race-expiring-" + System.nanoTime();
    String other = "race-other-" + System.nanoTime();
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"default_expiration_delay\":\"PT1S\"}")
        .put("/api/v1/workspaces/{ws}/retention", expiring)
        .then()
        .statusCode(200);
    byte[] content = Fixtures.uniqueContent();
    String sha = Fixtures.sha256(content);
    long old = Fixtures.createOk(ADMIN, Fixtures.artifactJson(expiring, "log.txt", content));
    Fixtures.upload(ADMIN, old, "log.txt", content).then().statusCode(201);
    Thread.sleep(1500); // let the one-second default delay pass: the old artifact expires

    PausingFileStore.pauseBeforeDeleting(sha);
    CompletableFuture<Response> sweep =
        CompletableFuture.supplyAsync(
            () -> given().header("Authorization", ADMIN).post("/api/v1/retention/sweep"));
    CompletableFuture<Response> upload = null;
    try {
      // the sweep deleted the old artifact, found the content unused, and stands before deleting
      // its bytes
      assertTrue(PausingFileStore.awaitPaused(), "the sweep never reached the content");
      long fresh = Fixtures.createOk(ADMIN, Fixtures.artifactJson(other, "log.txt", content));
      upload =
          CompletableFuture.supplyAsync(() -> Fixtures.upload(ADMIN, fresh, "log.txt", content));
      // the upload either completes (finding the bytes still there) or waits for the content's
      // lock; wait for one of the two, not for a time
      while (!upload.isDone() && !lockWaited()) {
        Thread.sleep(20);
      }
      PausingFileStore.release();
      Response uploaded = upload.get(120, TimeUnit.SECONDS);
      assertEquals(201, uploaded.statusCode(), uploaded.asString());
      Response swept = sweep.get(120, TimeUnit.SECONDS);
      assertEquals(200, swept.statusCode(), swept.asString());

      Response download = Fixtures.download(ADMIN, fresh, "log.txt");
      assertEquals(200, download.statusCode(), "the complete file lost its content");
      assertArrayEquals(content, download.asByteArray());
      // a sweep now keeps it: the new artifact uses it
      given().header("Authorization", ADMIN).post("/api/v1/retention/sweep").then().statusCode(200);
      assertArrayEquals(content, Fixtures.download(ADMIN, fresh, "log.txt").asByteArray());
    } finally {
      PausingFileStore.release();
    }
  }

  /** Whether some transaction waits for a lock (a content's, or a row the sweep deleted). */
  private boolean lockWaited() throws Exception {
    try (Connection c = db.getConnection();
        ResultSet r =
            c.createStatement().executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
      r.next();
      return r.getLong(1) > 0;
    }
  }
}

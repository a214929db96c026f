package dev.kiln.scheduler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class WorkRequestResourceTest {

  static final String ADMIN = "Bearer kiln-dev-admin-token";

  @Test
  void createThenGetANoopWorkRequest() {
    int id =
        given()
            .header("Authorization", ADMIN)
            .contentType("application/json")
            .body("{\"task_name\":\"noop\",\"task_data\":{\"result\":true}}")
            .when()
            .post("/api/v1/work-requests")
            .then()
            .statusCode(201)
            .header("Location", notNullValue())
            .body("task_type", equalTo("worker"))
            .body("status", equalTo("pending"))
            .body("result", equalTo(""))
            .body("workspace", equalTo("System"))
            .body("created_by", equalTo("admin"))
            .extract()
            .path("id");

    given()
        .header("Authorization", ADMIN)
        .when()
        .get("/api/v1/work-requests/{id}", id)
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("task_name", equalTo("noop"))
        .body("task_data.result", equalTo(true));
  }

  @Test
  void invalidInputIsAProblemNamingTheField() {
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"task_name\":\"noop\",\"task_data\":{\"result\":\"yes\"}}")
        .when()
        .post("/api/v1/work-requests")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("status", equalTo(400))
        .body("errors.field", hasItem("task_data.result"));

    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"task_name\":\"noop\",\"task_data\":{}}")
        .when()
        .post("/api/v1/work-requests")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("task_data.result"));

    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"task_name\":\"nope\",\"task_data\":{}}")
        .when()
        .post("/api/v1/work-requests")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("task_name"));

    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"task_name\":\"noop\",\"task_data\":{\"result\":true},\"colour\":1}")
        .when()
        .post("/api/v1/work-requests")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("colour"));

    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body("{\"task_name\":")
        .when()
        .post("/api/v1/work-requests")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void listFiltersAndPagesNewestFirst() {
    String workspace = "list-" + System.nanoTime();
    int[] ids = new int[3];
    for (int i = 0; i < 3; i++) {
      ids[i] =
          given()
              .header("Authorization", ADMIN)
              .contentType("application/json")
              .body(
                  "{\"task_name\":\"noop\",\"workspace\":\""
                      + workspace
                      + "\",\"task_data\":{\"result\":true}}")
              .post("/api/v1/work-requests")
              .then()
              .statusCode(201)
              .extract()
              .path("id");
    }
    int cursor =
        given()
            .header("Authorization", ADMIN)
            .queryParam("workspace", workspace)
            .queryParam("limit", 2)
            .get("/api/v1/work-requests")
            .then()
            .statusCode(200)
            .body("items.id", org.hamcrest.Matchers.contains(ids[2], ids[1]))
            .body("next_before", equalTo(ids[1]))
            .extract()
            .path("next_before");
    given()
        .header("Authorization", ADMIN)
        .queryParam("workspace", workspace)
        .queryParam("limit", 2)
        .queryParam("before", cursor)
        .get("/api/v1/work-requests")
        .then()
        .statusCode(200)
        .body("items.id", org.hamcrest.Matchers.contains(ids[0]))
        .body("next_before", org.hamcrest.Matchers.nullValue());
    given()
        .header("Authorization", ADMIN)
        .queryParam("status", "sleeping")
        .queryParam("limit", 0)
        .get("/api/v1/work-requests")
        .then()
        .statusCode(400)
        .body("errors.field", org.hamcrest.Matchers.hasItems("status", "limit"));
  }

  @Test
  void unknownWorkRequestIs404AndTokenIsRequired() {
    given()
        .header("Authorization", ADMIN)
        .when()
        .get("/api/v1/work-requests/999999999")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given().when().get("/api/v1/work-requests/1").then().statusCode(401);
  }

  @Test
  void healthAndMetricsAreExposed() {
    given().when().get("/q/health/ready").then().statusCode(200);
    given().when().get("/q/metrics").then().statusCode(200);
  }
}

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

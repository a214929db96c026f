package dev.kiln.agent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.kiln.agent.testing.Await;
import dev.kiln.agent.testing.FakesTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The application boots, connects to the (fake) scheduler and serves health and metrics. */
@QuarkusTest
@QuarkusTestResource(FakesTestResource.class)
class AgentApplicationTest {

  @Test
  void becomesReadyOnceConnectedAndServesMetrics() throws Exception {
    Await.until(
        "ready", () -> given().when().get("/q/health/ready").then().extract().statusCode() == 200);
    given()
        .when()
        .get("/q/health")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.find { it.name == 'scheduler-connection' }.data.connected", equalTo(true));
    given()
        .when()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("kiln_agent_connected 1.0"))
        .body(containsString("kiln_agent_running_attempts"));
  }
}

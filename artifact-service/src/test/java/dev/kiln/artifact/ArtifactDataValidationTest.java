package dev.kiln.artifact;

import static dev.kiln.artifact.Fixtures.ADMIN;
import static dev.kiln.artifact.Fixtures.create;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.kiln.infra.KilnInfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The data of an artifact is checked against its category's schema when it is declared. */
@QuarkusTest
@QuarkusTestResource(KilnInfraTestResource.class)
class ArtifactDataValidationTest {

  @Test
  void badDataIsRefusedNamingEachField() {
    create(
            ADMIN,
            """
            {"category": "debian:source-package", "workspace": "System",
             "data": {"name": "hello", "version": 2, "type": "dpkg", "colour": "blue"},
             "files": {}}""")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", containsInAnyOrder("data.version", "data.dsc_fields", "data.colour"))
        .body("errors.find { it.field == 'data.dsc_fields' }.message", equalTo("is required"))
        .body("errors.find { it.field == 'data.version' }.message", equalTo("must be a string"))
        .body("errors.find { it.field == 'data.colour' }.message", equalTo("unknown field"));
  }

  @Test
  void validDataIsStoredAsGiven() {
    create(
            ADMIN,
            """
            {"category": "debian:source-package", "workspace": "System",
             "data": {"name": "hello", "version": "2.10-3", "type": "dpkg",
                      "dsc_fields": {"Source": "hello", "Binary": "hello"}},
             "files": {}}""")
        .then()
        .statusCode(201)
        .body("data.dsc_fields.Binary", equalTo("hello"));
  }

  @Test
  void dataThatIsNoObjectIsRefused() {
    create(ADMIN, "{\"category\":\"kiln:generic\",\"workspace\":\"System\",\"data\":[1]}")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("data"));
  }
}

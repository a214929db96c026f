package dev.kiln.infra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the real PostgreSQL and Kafka of {@link LocalInfra#shared()}:
 * started once per test JVM, shared by every test class, stopped when the JVM exits.
 */
public class KilnInfraTestResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    LocalInfra infra = LocalInfra.shared();
    return Map.of(
        "quarkus.datasource.jdbc.url",
        infra.jdbcUrl(),
        "quarkus.datasource.username",
        InfraSettings.USER,
        "quarkus.datasource.password",
        InfraSettings.PASSWORD,
        "kafka.bootstrap.servers",
        infra.bootstrapServers());
  }

  @Override
  public void stop() {
    // Shared by every test class of the JVM: LocalInfra.shared() stops it at JVM exit.
  }
}

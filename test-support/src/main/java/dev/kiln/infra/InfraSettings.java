package dev.kiln.infra;

import java.nio.file.Path;

/**
 * Where and on which ports the local infrastructure runs.
 *
 * @param dataDir directory for PostgreSQL data, Kafka logs and pid files
 * @param postgresPort PostgreSQL port on 127.0.0.1
 * @param kafkaPort Kafka broker (PLAINTEXT) port on 127.0.0.1
 * @param kafkaControllerPort Kafka KRaft controller port on 127.0.0.1
 * @param keepData keep the data directory between runs (local platform) or start clean (tests)
 */
public record InfraSettings(
    Path dataDir, int postgresPort, int kafkaPort, int kafkaControllerPort, boolean keepData) {

  /** Name of the database every service uses; each service owns its own schema in it. */
  public static final String DATABASE = "kiln";

  public static final String USER = "kiln";
  public static final String PASSWORD = "kiln";

  /** The settings of the local platform, from KILN_* environment variables or defaults. */
  public static InfraSettings localPlatform(Path dataDir) {
    return new InfraSettings(
        dataDir,
        envPort("KILN_PG_PORT", 15432),
        envPort("KILN_KAFKA_PORT", 19092),
        envPort("KILN_KAFKA_CONTROLLER_PORT", 19093),
        true);
  }

  /** Settings for one test JVM: free ports, a fresh directory. */
  public static InfraSettings ephemeral(Path dataDir) {
    return new InfraSettings(dataDir, Ports.free(), Ports.free(), Ports.free(), false);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + DATABASE;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + kafkaPort;
  }

  private static int envPort(String name, int fallback) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a port number, not '" + value + "'");
    }
  }
}

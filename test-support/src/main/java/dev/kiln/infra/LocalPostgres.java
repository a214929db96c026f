package dev.kiln.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A real PostgreSQL server from the embedded binaries on Maven Central (no install, no Docker).
 * Creates the {@code kiln} database and role on first start.
 */
final class LocalPostgres implements AutoCloseable {

  private final EmbeddedPostgres postgres;

  private LocalPostgres(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static LocalPostgres start(InfraSettings settings) throws IOException {
    if (Ports.inUse(settings.postgresPort())) {
      throw new IllegalStateException(
          "port "
              + settings.postgresPort()
              + " is taken by another process; stop it or choose another port with KILN_PG_PORT");
    }
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setPort(settings.postgresPort())
            .setDataDirectory(settings.dataDir().resolve("postgres"))
            .setCleanDataDirectory(!settings.keepData())
            .setServerConfig("max_connections", "300")
            .setServerConfig("fsync", settings.keepData() ? "on" : "off")
            .setServerConfig("synchronous_commit", settings.keepData() ? "on" : "off")
            .setServerConfig("full_page_writes", settings.keepData() ? "on" : "off")
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setLocaleConfig("locale", "C.UTF-8");
    if ("1".equals(System.getenv("KILN_PG_STATEMENT_STATS"))) {
      // the bench's --pg-stats: which statements the time goes to
      builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
      builder.setServerConfig("pg_stat_statements.track_planning", "on");
    }
    EmbeddedPostgres pg = builder.start();
    LocalPostgres local = new LocalPostgres(pg);
    local.ensureDatabase(settings.postgresPort());
    return local;
  }

  private void ensureDatabase(int port) throws IOException {
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + InfraSettings.USER + "'")) {
        if (!rs.next()) {
          s.execute(
              "CREATE ROLE "
                  + InfraSettings.USER
                  + " LOGIN PASSWORD '"
                  + InfraSettings.PASSWORD
                  + "' CREATEDB");
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT 1 FROM pg_database WHERE datname = '" + InfraSettings.DATABASE + "'")) {
        if (!rs.next()) {
          s.execute("CREATE DATABASE " + InfraSettings.DATABASE + " OWNER " + InfraSettings.USER);
        }
      }
    } catch (SQLException e) {
      throw new IOException("could not prepare the kiln database: " + e.getMessage(), e);
    }
  }

  Map<String, String> describe() {
    return Map.of("postgres.port", String.valueOf(postgres.getPort()));
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}

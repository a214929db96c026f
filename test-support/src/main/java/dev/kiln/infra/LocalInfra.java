package dev.kiln.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The local infrastructure of Kiln: a real PostgreSQL and a real Kafka broker, started by the
 * project itself without Docker. The same code serves the local platform ({@link InfraMain}) and
 * the tests ({@link KilnInfraTestResource}).
 */
public final class LocalInfra implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LocalInfra.class.getName());
  private static LocalInfra shared;

  private final InfraSettings settings;
  private final LocalPostgres postgres;
  private LocalKafka kafka;

  private LocalInfra(InfraSettings settings, LocalPostgres postgres, LocalKafka kafka) {
    this.settings = settings;
    this.postgres = postgres;
    this.kafka = kafka;
  }

  /** Starts PostgreSQL, then Kafka. Fails with a clear message if a port is taken. */
  public static LocalInfra start(InfraSettings settings) throws IOException, InterruptedException {
    Files.createDirectories(settings.dataDir());
    long t0 = System.nanoTime();
    LocalPostgres pg = LocalPostgres.start(settings);
    long t1 = System.nanoTime();
    LocalKafka kafka;
    try {
      kafka = LocalKafka.start(settings);
    } catch (IOException | RuntimeException | InterruptedException e) {
      pg.close();
      throw e;
    }
    long t2 = System.nanoTime();
    LOG.info(
        String.format(
            "PostgreSQL on 127.0.0.1:%d (%d ms), Kafka on %s (%d ms), data in %s",
            settings.postgresPort(),
            (t1 - t0) / 1_000_000,
            settings.bootstrapServers(),
            (t2 - t1) / 1_000_000,
            settings.dataDir()));
    return new LocalInfra(settings, pg, kafka);
  }

  /**
   * The infrastructure shared by every test of this JVM: started once on free ports in a fresh
   * directory under {@code target/}, stopped when the JVM exits.
   */
  public static synchronized LocalInfra shared() {
    if (shared == null) {
      try {
        Path dir =
            Files.createTempDirectory(
                Path.of("target").toAbsolutePath().normalize(), "kiln-infra-");
        LocalInfra infra = start(InfraSettings.ephemeral(dir));
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        infra.close();
                        LocalKafka.deleteRecursively(dir);
                      } catch (IOException e) {
                        // the JVM is exiting; nothing left to tell
                      }
                    },
                    "kiln-infra-shutdown"));
        shared = infra;
      } catch (IOException e) {
        throw new IllegalStateException(
            "could not start PostgreSQL and Kafka: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting PostgreSQL and Kafka", e);
      }
    }
    return shared;
  }

  public InfraSettings settings() {
    return settings;
  }

  public String jdbcUrl() {
    return settings.jdbcUrl();
  }

  public String bootstrapServers() {
    return settings.bootstrapServers();
  }

  /** Kills the Kafka broker at once (SIGKILL), as a crash would; for fault tests. */
  public synchronized void killKafka() throws IOException, InterruptedException {
    kafka.kill();
  }

  /** Starts the Kafka broker again on the same ports with the data it had; for fault tests. */
  public synchronized void restartKafka() throws IOException, InterruptedException {
    kafka = LocalKafka.start(settings, false);
  }

  /** The PID of the Kafka broker process, for fault tests that kill or restart it. */
  public long kafkaPid() {
    return kafka.pid();
  }

  @Override
  public void close() throws IOException {
    try {
      kafka.close();
    } finally {
      postgres.close();
    }
  }
}

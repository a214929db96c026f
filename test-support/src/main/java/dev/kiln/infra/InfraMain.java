package dev.kiln.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local infrastructure in the foreground until SIGTERM or Ctrl-C: {@code java -cp ...
 * dev.kiln.infra.InfraMain DATA_DIR}. Ports come from KILN_PG_PORT, KILN_KAFKA_PORT and
 * KILN_KAFKA_CONTROLLER_PORT. Writes {@code DATA_DIR/infra.ready} once both servers answer.
 */
public final class InfraMain {

  private InfraMain() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args.length > 0 ? args[0] : ".kiln/infra").toAbsolutePath();
    InfraSettings settings = InfraSettings.localPlatform(dataDir);
    Path ready = dataDir.resolve("infra.ready");
    Files.createDirectories(dataDir);
    Files.deleteIfExists(ready);
    LocalInfra infra;
    try {
      infra = LocalInfra.start(settings);
    } catch (IllegalStateException e) {
      System.err.println("kiln infra: " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Files.deleteIfExists(ready);
                    infra.close();
                  } catch (Exception e) {
                    System.err.println("kiln infra: stop failed: " + e.getMessage());
                  }
                  stopped.countDown();
                }));
    Files.writeString(
        ready,
        "jdbc_url="
            + settings.jdbcUrl()
            + "\nbootstrap_servers="
            + settings.bootstrapServers()
            + "\n");
    System.out.println(
        "kiln infra ready: PostgreSQL "
            + settings.jdbcUrl()
            + " (user "
            + InfraSettings.USER
            + "), Kafka "
            + settings.bootstrapServers());
    stopped.await();
  }
}

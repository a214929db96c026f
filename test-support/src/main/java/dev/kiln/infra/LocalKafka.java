package dev.kiln.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker and controller), run as a child JVM
 * from the Kafka jars on Maven Central: {@code kafka.tools.StorageTool format} once, then {@code
 * kafka.Kafka server.properties}. The child's classpath was written at build time to {@code
 * kafka-classpath.txt}, so the broker's own libraries never mix with the caller's.
 */
final class LocalKafka implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final String STARTED_LINE = "Kafka Server started";

  private final Process process;
  private final Path pidFile;

  private LocalKafka(Process process, Path pidFile) {
    this.process = process;
    this.pidFile = pidFile;
  }

  static LocalKafka start(InfraSettings settings) throws IOException, InterruptedException {
    return start(settings, !settings.keepData());
  }

  /**
   * Starts the broker; {@code fresh} wipes its data first (tests), otherwise it comes back with the
   * topics and offsets it had (the local platform, and restarts in fault tests).
   */
  static LocalKafka start(InfraSettings settings, boolean fresh)
      throws IOException, InterruptedException {
    for (int port : new int[] {settings.kafkaPort(), settings.kafkaControllerPort()}) {
      if (Ports.inUse(port)) {
        throw new IllegalStateException(
            "port "
                + port
                + " is taken by another process; stop it or choose other ports with"
                + " KILN_KAFKA_PORT and KILN_KAFKA_CONTROLLER_PORT");
      }
    }
    Path dir = settings.dataDir().resolve("kafka");
    Path logDir = dir.resolve("data");
    if (fresh) {
      deleteRecursively(dir);
    }
    Files.createDirectories(logDir);
    Path config = dir.resolve("server.properties");
    writeServerProperties(settings, logDir, config);
    Path log4j = dir.resolve("log4j2.properties");
    Files.writeString(
        log4j,
        String.join(
            "\n",
            "rootLogger.level = WARN",
            "rootLogger.appenderRef.out.ref = out",
            "appender.out.type = Console",
            "appender.out.name = out",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d] %p %m (%c)%n",
            "logger.kafka.name = kafka.server.KafkaRaftServer",
            "logger.kafka.level = INFO",
            ""));
    String classpath = kafkaClasspath();

    if (!Files.exists(logDir.resolve("meta.properties"))) {
      List<String> format = java(classpath, log4j, "256m");
      format.addAll(
          List.of(
              "kafka.tools.StorageTool",
              "format",
              "-t",
              UUID.randomUUID().toString().replace("-", "").substring(0, 22),
              "-c",
              config.toString()));
      Process formatter =
          new ProcessBuilder(format)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("format.log").toFile())
              .start();
      if (!formatter.waitFor(60, TimeUnit.SECONDS) || formatter.exitValue() != 0) {
        formatter.destroyForcibly();
        throw new IOException(
            "formatting the Kafka storage failed: " + Files.readString(dir.resolve("format.log")));
      }
    }

    List<String> command = java(classpath, log4j, "512m");
    command.addAll(List.of("kafka.Kafka", config.toString()));
    Path out = dir.resolve("kafka.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    Path pidFile = dir.resolve("kafka.pid");
    Files.writeString(pidFile, Long.toString(process.pid()));
    LocalKafka kafka = new LocalKafka(process, pidFile);
    try {
      kafka.awaitReady(settings, out);
    } catch (IOException | RuntimeException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  private void awaitReady(InfraSettings settings, Path out)
      throws IOException, InterruptedException {
    // KafkaRaftServer logs this line once the broker has joined the quorum and serves clients.
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("the Kafka broker exited during start-up: " + tail(out));
      }
      if (Ports.inUse(settings.kafkaPort()) && Files.readString(out).contains(STARTED_LINE)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IOException(
        "the Kafka broker was not ready within " + READY_TIMEOUT + ": " + tail(out));
  }

  private static void writeServerProperties(InfraSettings s, Path logDir, Path config)
      throws IOException {
    String text =
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + s.kafkaControllerPort(),
            "listeners=PLAINTEXT://127.0.0.1:"
                + s.kafkaPort()
                + ",CONTROLLER://127.0.0.1:"
                + s.kafkaControllerPort(),
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + s.kafkaPort(),
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs=" + logDir,
            "num.partitions=3",
            "auto.create.topics.enable=true",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=5",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "transaction.state.log.num.partitions=5",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "log.flush.interval.messages=" + (s.keepData() ? "1" : "9223372036854775807"),
            "");
    Files.writeString(config, text);
  }

  private static List<String> java(String classpath, Path log4j, String heap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dlog4j2.configurationFile=" + log4j);
    cmd.add("-cp");
    cmd.add(classpath);
    return cmd;
  }

  private static String kafkaClasspath() throws IOException {
    try (InputStream in = LocalKafka.class.getResourceAsStream("kafka-classpath.txt")) {
      if (in == null) {
        throw new IOException(
            "kafka-classpath.txt is missing: build the test-support module with Maven first");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths
          .sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  long pid() {
    return process.pid();
  }

  /** Kills the broker at once (SIGKILL), as a crash would. */
  void kill() throws IOException, InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    Files.deleteIfExists(pidFile);
  }

  /** Stops the broker: SIGTERM, a grace period for a clean shutdown, then SIGKILL. */
  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(pidFile);
  }
}

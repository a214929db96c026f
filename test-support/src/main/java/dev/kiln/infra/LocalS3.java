package dev.kiln.infra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-API server over a local directory: <a
 * href="https://github.com/gaul/s3proxy">s3proxy</a> with its {@code filesystem-nio2} backend, run
 * as a child JVM from the jars the {@code local-s3} module resolved (its libraries never mix with
 * the caller's). It signs and checks requests with AWS Signature V4 like S3 does, and speaks
 * path-style addressing on a free loopback port. Each bucket is a directory of {@code dataDir};
 * objects are files.
 */
public final class LocalS3 implements AutoCloseable {

  /** The access key id the server accepts. */
  public static final String ACCESS_KEY_ID = "kiln-local";

  /** The secret access key the server accepts. */
  public static final String SECRET_ACCESS_KEY = "kiln-local-secret";

  /** The region clients sign for (s3proxy accepts any). */
  public static final String REGION = "us-east-1";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final Thread shutdownHook;

  private LocalS3(Process process, int port, Path dataDir) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    this.shutdownHook = new Thread(process::destroyForcibly, "local-s3-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts the server on a free port with its data in {@code dataDir} (created when missing), the
   * given buckets created empty if they are not there yet.
   */
  public static LocalS3 start(Path dataDir, String... buckets)
      throws IOException, InterruptedException {
    Path data = dataDir.toAbsolutePath().normalize();
    Path objects = data.resolve("buckets");
    for (String bucket : buckets) {
      Files.createDirectories(objects.resolve(bucket));
    }
    Files.createDirectories(objects);
    int port = Ports.free();
    Path properties = data.resolve("s3proxy.properties");
    Files.writeString(
        properties,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY_ID,
            "s3proxy.credential=" + SECRET_ACCESS_KEY,
            // s3proxy 3.0 refuses the x-amz-checksum-crc32 header that AWS SDK 2.30+ adds to
            // DeleteObjects beside Content-MD5 (S3 itself accepts it)
            "s3proxy.ignore-unknown-headers=true",
            "jclouds.provider=filesystem-nio2",
            "jclouds.filesystem.basedir=" + objects,
            ""));
    Path logback = data.resolve("logback.xml");
    Files.writeString(
        logback,
        String.join(
            "\n",
            "<configuration>",
            "  <appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">",
            "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} %msg%n</pattern></encoder>",
            "  </appender>",
            "  <root level=\"WARN\"><appender-ref ref=\"out\"/></root>",
            "</configuration>",
            ""));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-Dlogback.configurationFile=" + logback);
    command.add("-cp");
    command.add(classpath());
    command.add("org.gaul.s3proxy.Main");
    command.add("--properties");
    command.add(properties.toString());
    Path out = data.resolve("s3proxy.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    LocalS3 s3 = new LocalS3(process, port, data);
    try {
      s3.awaitReady(out);
    } catch (IOException | RuntimeException | InterruptedException e) {
      s3.close();
      throw e;
    }
    return s3;
  }

  private void awaitReady(Path out) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("s3proxy exited during start-up: " + Files.readString(out));
      }
      if (Ports.inUse(port)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IOException("s3proxy did not listen within " + READY_TIMEOUT + ": " + out);
  }

  private static String classpath() throws IOException {
    try (InputStream in = LocalS3.class.getResourceAsStream("s3proxy-classpath.txt")) {
      if (in == null) {
        throw new IOException(
            "s3proxy-classpath.txt is missing: build the local-s3 module with Maven first");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  /** The endpoint URL, e.g. {@code http://127.0.0.1:34567}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The directory of a bucket: each object is a file under it, named by its key. */
  public Path bucketDir(String bucket) {
    return dataDir.resolve("buckets").resolve(bucket);
  }

  public long pid() {
    return process.pid();
  }

  /** Stops the server (SIGTERM, then SIGKILL after a grace period); the data stays. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already: the hook runs anyway
    }
  }
}

package dev.kiln.infra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Points the artifact service's file store at a {@link LocalS3} of its own, started in a fresh
 * directory under {@code target/} with an empty bucket {@value #BUCKET}, and stopped with the test
 * resource. Use it from a {@code QuarkusTestProfile}'s {@code testResources()} so that only the
 * test classes of that profile run against S3.
 */
public class LocalS3TestResource implements QuarkusTestResourceLifecycleManager {

  /** The bucket the store is pointed at. */
  public static final String BUCKET = "kiln-test";

  /** The key prefix the store is pointed at: a store shares its bucket with other data. */
  public static final String PREFIX = "store/";

  private static volatile LocalS3 current;

  private LocalS3 s3;
  private Path dir;

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory(Path.of("target").toAbsolutePath().normalize(), "local-s3-");
      s3 = LocalS3.start(dir, BUCKET);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start s3proxy", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting s3proxy", e);
    }
    current = s3;
    return Map.of(
        "kiln.artifacts.store.kind",
        "s3",
        "kiln.artifacts.store.s3.endpoint",
        s3.endpoint(),
        "kiln.artifacts.store.s3.region",
        LocalS3.REGION,
        "kiln.artifacts.store.s3.bucket",
        BUCKET,
        "kiln.artifacts.store.s3.prefix",
        PREFIX,
        "kiln.artifacts.store.s3.path-style-access",
        "true",
        "kiln.artifacts.store.s3.access-key-id",
        LocalS3.ACCESS_KEY_ID,
        "kiln.artifacts.store.s3.secret-access-key",
        LocalS3.SECRET_ACCESS_KEY);
  }

  /** The server of the running test resource, for tests that look at the bucket themselves. */
  public static LocalS3 current() {
    LocalS3 s3 = current;
    if (s3 == null) {
      throw new IllegalStateException("no LocalS3TestResource is running");
    }
    return s3;
  }

  @Override
  public void stop() {
    if (s3 != null) {
      s3.close();
      current = null;
      try {
        LocalKafka.deleteRecursively(dir);
      } catch (IOException | UncheckedIOException e) {
        // left under target/: the next clean removes it
      }
    }
  }
}

package dev.kiln.artifact.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.artifact.config.ArtifactConfig;
import dev.kiln.infra.LocalS3;
import io.quarkus.runtime.configuration.MemorySize;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The store contract on a real S3 API: s3proxy over a directory ({@link LocalS3}), reached through
 * the same client the service builds. The bucket is looked at through the S3 API itself.
 */
class S3FileStoreTest extends FileStoreContract {

  static final String BUCKET = "contract";
  static final String PREFIX = "kiln/";
  static final int PART = 5 << 20;

  @TempDir static Path dir;

  static LocalS3 server;
  static S3Client s3;
  static S3FileStore store;

  @BeforeAll
  static void start() throws Exception {
    server = LocalS3.start(dir, BUCKET);
    s3 = S3FileStore.client(settings(server.endpoint()));
    store = new S3FileStore(s3, BUCKET, PREFIX, PART, Duration.ofDays(1));
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Override
  FileStore store() {
    return store;
  }

  @Override
  int partSize() {
    return PART;
  }

  @Override
  void assertNoUploadInProgress() {
    assertEquals(
        List.of(),
        s3.listMultipartUploads(b -> b.bucket(BUCKET).prefix(PREFIX)).uploads(),
        "multipart uploads left");
    assertEquals(
        List.of(),
        keys(PREFIX + "uploads/").stream()
            .filter(k -> k.contains("/staged-") || k.contains("/probe-"))
            .toList(),
        "staging objects left");
  }

  static List<String> keys(String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        .toList();
  }

  @Test
  void contentsAreKeyedBySha256UnderThePrefix() throws IOException {
    byte[] content = random(1234);
    String sha = stored(content);
    assertEquals(
        List.of(PREFIX + "files/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha),
        keys(PREFIX + "files/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha));
  }

  @Test
  void aLargePartialUploadIsKeptInSegmentsOfAtLeastOnePart() throws IOException {
    String name = "segments-" + System.nanoTime();
    byte[] content = random(2 * PART + 10);
    try (FileStore.PartialUpload p = store.partial(name, true).orElseThrow()) {
      p.append().write(content, 0, 1000);
    }
    try (FileStore.PartialUpload p = store.partial(name, false).orElseThrow()) {
      p.append().write(content, 1000, PART + 500);
    }
    try (FileStore.PartialUpload p = store.partial(name, false).orElseThrow()) {
      p.append().write(content, PART + 1500, content.length - PART - 1500);
    }
    List<String> segments = keys(PREFIX + "uploads/partial-" + name + "/");
    assertEquals(2, segments.size(), segments.toString());
    assertEquals(
        PART + 1500L,
        s3.headObject(b -> b.bucket(BUCKET).key(segments.get(0))).contentLength(),
        "the short first segment was carried into the second request's");
    try (FileStore.PartialUpload p = store.partial(name, false).orElseThrow()) {
      assertEquals(content.length, p.size());
      assertTrue(p.commit(sha256(content)));
    }
    assertEquals(List.of(), keys(PREFIX + "uploads/partial-" + name + "/"));
  }

  /**
   * Partial uploads nobody appended to for the stale-upload age go at start-up. (Unfinished
   * multipart uploads go by their initiation time too, but s3proxy 3.0 reports the time of the
   * listing as that, so this server cannot show it.)
   */
  @Test
  void partialUploadsLeftByADeadProcessAreRemovedAtStartUp() throws IOException {
    String name = "stale-" + System.nanoTime();
    try (FileStore.PartialUpload p = store.partial(name, true).orElseThrow()) {
      p.append().write(random(100));
    }
    assertEquals(1, keys(PREFIX + "uploads/partial-" + name + "/").size());

    new S3FileStore(s3, BUCKET, PREFIX, PART, Duration.ofHours(1));
    assertTrue(store.partial(name, false).isPresent(), "a recent partial upload stays");

    new S3FileStore(s3, BUCKET, PREFIX, PART, Duration.ZERO);
    assertTrue(store.partial(name, false).isEmpty(), "the stale partial upload was removed");
    assertEquals(List.of(), keys(PREFIX + "uploads/partial-" + name + "/"));
  }

  @Test
  void aBucketOfAnotherServiceIsLeftAlone() throws IOException {
    s3.putObject(
        b -> b.bucket(BUCKET).key("other/uploads/keep-me"),
        software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
    new S3FileStore(s3, BUCKET, PREFIX, PART, Duration.ZERO);
    assertEquals(List.of("other/uploads/keep-me"), keys("other/"));
  }

  static ArtifactConfig.S3 settings(String endpoint) {
    return new ArtifactConfig.S3() {
      @Override
      public Optional<URI> endpoint() {
        return Optional.of(URI.create(endpoint));
      }

      @Override
      public String region() {
        return LocalS3.REGION;
      }

      @Override
      public Optional<String> bucket() {
        return Optional.of(BUCKET);
      }

      @Override
      public Optional<String> prefix() {
        return Optional.of(PREFIX);
      }

      @Override
      public boolean pathStyleAccess() {
        return true;
      }

      @Override
      public Optional<String> accessKeyId() {
        return Optional.of(LocalS3.ACCESS_KEY_ID);
      }

      @Override
      public Optional<String> secretAccessKey() {
        return Optional.of(LocalS3.SECRET_ACCESS_KEY);
      }

      @Override
      public MemorySize partSize() {
        return new MemorySize(BigInteger.valueOf(PART));
      }

      @Override
      public Duration staleUploadAge() {
        return Duration.ofDays(1);
      }

      @Override
      public int maxConnections() {
        return 16;
      }

      @Override
      public Duration connectTimeout() {
        return Duration.ofSeconds(5);
      }

      @Override
      public Duration socketTimeout() {
        return Duration.ofSeconds(30);
      }
    };
  }
}

package dev.kiln.artifact;

import dev.kiln.artifact.config.ArtifactConfig;
import dev.kiln.artifact.store.S3FileStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Looks into the configured file store from outside the service, so tests can tell what is really
 * there: files of the local directory, or objects and multipart uploads of the S3 bucket (through a
 * client of its own, not the store's code).
 */
@ApplicationScoped
public class StoreInspector {

  @Inject ArtifactConfig config;

  private S3Client s3;

  private boolean onS3() {
    return config.store().kind() == ArtifactConfig.Kind.S3;
  }

  private synchronized S3Client s3() {
    if (s3 == null) {
      s3 = S3FileStore.client(config.store().s3());
    }
    return s3;
  }

  private String bucket() {
    return config.store().s3().bucket().orElseThrow();
  }

  private String prefix() {
    String p = config.store().s3().prefix().orElse("");
    return p.isEmpty() || p.endsWith("/") ? p : p + "/";
  }

  private Path root() {
    return config.store().local().root();
  }

  /** How many stored contents are named by this SHA-256 (0 or 1 in a sound store). */
  public long contentCount(String sha256) {
    if (onS3()) {
      String dir =
          prefix() + "files/" + sha256.substring(0, 2) + "/" + sha256.substring(2, 4) + "/";
      return keys(dir).stream().filter(k -> k.endsWith("/" + sha256)).count();
    }
    try (Stream<Path> all = Files.walk(root().resolve("files"))) {
      return all.filter(p -> p.getFileName().toString().equals(sha256)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Everything the store holds of uploads in progress: files in {@code uploads/}, or S3 multipart
   * uploads and objects under {@code uploads/}.
   */
  public Set<String> uploadsInProgress() {
    if (onS3()) {
      Set<String> all = new TreeSet<>(keys(prefix() + "uploads/"));
      s3().listMultipartUploadsPaginator(b -> b.bucket(bucket()).prefix(prefix()))
          .uploads()
          .forEach(u -> all.add("multipart " + u.key() + " " + u.uploadId()));
      return all;
    }
    try (Stream<Path> all = Files.list(root().resolve("uploads"))) {
      return all.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the store holds bytes of the partial upload with this name. */
  public boolean partialExists(String name) {
    if (onS3()) {
      return !keys(prefix() + "uploads/partial-" + name + "/").isEmpty();
    }
    return Files.exists(root().resolve("uploads").resolve("partial-" + name));
  }

  private java.util.List<String> keys(String keyPrefix) {
    return s3()
        .listObjectsV2Paginator(b -> b.bucket(bucket()).prefix(keyPrefix))
        .contents()
        .stream()
        .map(S3Object::key)
        .toList();
  }

  @PreDestroy
  synchronized void close() {
    if (s3 != null) {
      s3.close();
    }
  }
}

package dev.kiln.artifact.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings of the artifact service ({@code kiln.artifacts.*}). */
@ConfigMapping(prefix = "kiln.artifacts")
public interface ArtifactConfig {

  /** Where file contents are kept. */
  Store store();

  /** How long an upload may stall (no byte arriving) before its connection is closed. */
  @WithDefault("60s")
  Duration uploadIdleTimeout();

  /**
   * How many bytes an upload's writer thread writes with one system call (the received buffers of
   * about this many bytes, gathered). Each upload holds at most {@code upload-write-batches + 1}
   * such batches, besides what its connection buffers: for an HTTP/1.x upload read below Vert.x
   * ({@code NettyRequestBody}) these are the direct read buffers themselves, and up to 4 MiB wait
   * on the connection; on Vert.x's path (HTTP/2) heap copies, and up to 1 MiB waits.
   */
  @WithDefault("512K")
  io.quarkus.runtime.configuration.MemorySize uploadWriteBatch();

  /**
   * How many batches of an upload may wait for its writer thread while the request thread hashes
   * the next ones; when they all wait, the connection is paused.
   */
  @WithDefault("3")
  int uploadWriteBatches();

  /** The file store. */
  interface Store {

    /**
     * Which file store holds the contents (KILN_ARTIFACT_STORE_KIND): {@code local}, a directory (a
     * PVC on Kubernetes), or {@code s3}, a bucket of an S3-compatible object store that every
     * replica of the service shares.
     */
    @WithDefault("local")
    Kind kind();

    /** The file store on a local (or mounted) file system, for {@code kind=local}. */
    Local local();

    /** The file store in an S3-compatible bucket, for {@code kind=s3}. */
    S3 s3();
  }

  /** The kinds of file store. */
  enum Kind {
    /** A directory: {@link Local}. */
    LOCAL,
    /** An S3-compatible bucket: {@link S3}. */
    S3
  }

  /** A file store in a directory. */
  interface Local {

    /**
     * Root directory of the store (KILN_ARTIFACT_STORE_DIR): contents live in {@code
     * files/<aa>/<bb>/<sha256>}, uploads in progress in {@code uploads/}, on the same file system
     * so a finished upload is moved into place atomically.
     */
    Path root();

    /**
     * Uploads left in {@code uploads/} by a process that died are deleted at start-up once they are
     * this old (an upload in progress elsewhere writes to its file at least every {@code
     * upload-idle-timeout}).
     */
    @WithDefault("24h")
    Duration staleUploadAge();
  }

  /** A file store in an S3-compatible bucket (AWS S3, Ceph RGW, MinIO, Garage, s3proxy...). */
  interface S3 {

    /**
     * The endpoint URL of the object store (KILN_S3_ENDPOINT), e.g. {@code
     * https://rgw.example.org}; unset for AWS S3, whose endpoint follows from the region.
     */
    Optional<URI> endpoint();

    /** The region requests are signed for (KILN_S3_REGION); most other stores accept any. */
    @WithDefault("us-east-1")
    String region();

    /** The bucket (KILN_S3_BUCKET), which must exist; required with {@code kind=s3}. */
    Optional<String> bucket();

    /**
     * A key prefix under which the store keeps everything (KILN_S3_PREFIX), e.g. {@code kiln/}:
     * contents at {@code <prefix>files/<aa>/<bb>/<sha256>}, uploads in progress under {@code
     * <prefix>uploads/}. Unset: the whole bucket.
     */
    Optional<String> prefix();

    /**
     * Whether to address the bucket in the path ({@code https://host/bucket/key}) rather than in
     * the host name ({@code https://bucket.host/key}) (KILN_S3_PATH_STYLE_ACCESS); most self-hosted
     * stores need it.
     */
    @WithDefault("false")
    boolean pathStyleAccess();

    /**
     * The access key id (KILN_S3_ACCESS_KEY_ID); with the secret below. Unset: the AWS SDK's
     * default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, a container or instance
     * role).
     */
    Optional<String> accessKeyId();

    /** The secret access key (KILN_S3_SECRET_ACCESS_KEY), only from the environment or a Secret. */
    Optional<String> secretAccessKey();

    /**
     * The size of the parts in which uploads are sent (KILN_S3_PART_SIZE), at least 5M (S3's least
     * part size). Each upload in progress holds one buffer of this size: memory is this times the
     * number of concurrent uploads.
     */
    @WithDefault("8M")
    MemorySize partSize();

    /**
     * Uploads in progress left behind (unfinished multipart uploads, partial uploads nobody
     * appended to) are deleted at start-up once they are this old. Like the local store's, far
     * above {@code upload-idle-timeout}, so that no upload in progress on another replica is hit.
     */
    @WithDefault("24h")
    Duration staleUploadAge();

    /**
     * How many connections to the object store the service may hold at once. Each upload holds one
     * while a part is sent, each download one for as long as its client reads.
     */
    @WithDefault("128")
    int maxConnections();

    /** How long to wait for a connection to the object store. */
    @WithDefault("10s")
    Duration connectTimeout();

    /** How long a request to the object store may wait for data before it is given up. */
    @WithDefault("60s")
    Duration socketTimeout();
  }
}

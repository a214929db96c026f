package dev.kiln.artifact.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

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
   * such batches on the heap, besides the 1 MiB its connection buffers.
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

    /** The file store on a local (or mounted) file system. */
    Local local();
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
}

package dev.kiln.artifact.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;

/**
 * Where file contents are kept, addressed by their SHA-256. A content is written once, through a
 * {@link StagedUpload} that becomes visible only when committed, so nothing partial is ever
 * readable. Implementations: {@link LocalFileStore} (a directory) and {@link S3FileStore} (an
 * S3-compatible bucket), chosen by {@code kiln.artifacts.store.kind}.
 */
public interface FileStore {

  /** Starts receiving a content into a private staging area. */
  StagedUpload stage() throws IOException;

  /**
   * Starts receiving a content that was declared with this SHA-256. A store may then write it
   * straight where that content lives, still invisible until {@link StagedUpload#commit} (an S3
   * multipart upload completed only then), which saves a copy; committing it under another hash
   * still works, at the price of that copy.
   */
  default StagedUpload stage(String expectedSha256) throws IOException {
    return stage();
  }

  /** Whether the store holds the content with this SHA-256. */
  boolean contains(String sha256);

  /**
   * Opens a stored content for reading.
   *
   * @throws java.nio.file.NoSuchFileException when the store does not hold it
   */
  InputStream open(String sha256) throws IOException;

  /**
   * Opens {@code length} bytes of a stored content from byte {@code offset}, which the caller
   * checked against the content's size. Stores that can read from an offset (a ranged GET) do; the
   * default skips on the stream, which is cheap only for files.
   *
   * @throws java.nio.file.NoSuchFileException when the store does not hold it
   */
  default InputStream open(String sha256, long offset, long length) throws IOException {
    InputStream in = open(sha256);
    try {
      in.skipNBytes(offset);
    } catch (IOException e) {
      try {
        in.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return new BoundedInputStream(in, length);
  }

  /**
   * The stored content as a file on a local file system, when the store keeps it so: the server can
   * then send it straight from the file system (sendfile), at the pace of the client.
   */
  default Optional<Path> localFile(String sha256) {
    return Optional.empty();
  }

  /**
   * The partial upload with this name (letters, digits and dashes), received over several requests:
   * kept beside the staged uploads, never readable as content, and moved into the store by {@link
   * PartialUpload#commit} once complete. Partial uploads untouched for the stale-upload age are
   * deleted at start-up.
   *
   * @param create whether to create an empty one when there is none
   * @return the partial upload, or empty when there is none and {@code create} is false
   */
  Optional<PartialUpload> partial(String name, boolean create) throws IOException;

  /**
   * Deletes a stored content (retention removes contents no artifact uses any more).
   *
   * @return true when it was there
   */
  boolean delete(String sha256) throws IOException;

  /**
   * Deletes stored contents, as few requests as the store allows (retention sweeps them in
   * batches). Tries every one before it reports a failure.
   *
   * @return how many were deleted (an object store that cannot tell counts every one it was asked
   *     to delete)
   * @throws IOException the first failure, the others suppressed in it
   */
  default int deleteAll(Collection<String> sha256s) throws IOException {
    int deleted = 0;
    IOException failure = null;
    for (String sha256 : sha256s) {
      try {
        deleted += delete(sha256) ? 1 : 0;
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return deleted;
  }

  /** Checks that the store can be written to (for the readiness probe). */
  void checkWritable() throws IOException;

  /** A content being received. Closing it without {@link #commit} discards what was written. */
  interface StagedUpload extends AutoCloseable {

    /** Where to write the content; buffered by the caller as it sees fit. */
    OutputStream output();

    /**
     * Where to write the content, as a channel: the same destination as {@link #output}, use one or
     * the other. A store can write channel buffers without copying them, and may start making the
     * content durable while it is still being written; {@link #commit} finishes that.
     */
    default WritableByteChannel channel() {
      return Channels.newChannel(output());
    }

    /**
     * Makes the content written so far durable and visible under its SHA-256, which the caller
     * computed while writing. When the store holds that content already, the staged copy is dropped
     * and the stored one left untouched.
     *
     * @return true when the content was newly stored, false when it was there already
     */
    boolean commit(String sha256) throws IOException;

    /** Discards the staged content unless it was committed. */
    @Override
    void close();
  }

  /**
   * A content received in pieces over several requests. Closing it keeps what was written, so the
   * next request can append to it; {@link #commit} or {@link #discard} ends it. One request at a
   * time may use a partial upload: the caller serialises them.
   */
  interface PartialUpload extends AutoCloseable {

    /** How many bytes were received so far. */
    long size() throws IOException;

    /** Where to append: writes go to the end of what was received so far. */
    OutputStream append() throws IOException;

    /** {@link #append} as a channel (see {@link StagedUpload#channel}). */
    default WritableByteChannel appendChannel() throws IOException {
      return Channels.newChannel(append());
    }

    /**
     * Drops what was received past {@code size} bytes. {@code size} is at least what earlier
     * requests left, the size this partial upload had when it was opened: a request only ever takes
     * back what it appended itself.
     */
    void truncate(long size) throws IOException;

    /** Reads what was received so far, from the first byte; the caller closes the stream. */
    InputStream read() throws IOException;

    /**
     * Makes the received content durable and visible under its SHA-256, which the caller checked;
     * the partial upload is gone afterwards.
     *
     * @return true when the content was newly stored, false when it was there already
     */
    boolean commit(String sha256) throws IOException;

    /** Deletes what was received. */
    void discard() throws IOException;

    /** Releases the partial upload, keeping what was received. */
    @Override
    void close() throws IOException;
  }
}

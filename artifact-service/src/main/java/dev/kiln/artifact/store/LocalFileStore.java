package dev.kiln.artifact.store;

import dev.kiln.artifact.config.ArtifactConfig;
import dev.kiln.artifact.domain.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.jboss.logging.Logger;

/**
 * A {@link FileStore} in a directory: contents at {@code files/<aa>/<bb>/<sha256>}, uploads in
 * progress in {@code uploads/} ({@code upload-*} for one request, {@code partial-*} for resumable
 * ones). Both are on the same file system, so committing an upload is an atomic rename: a reader
 * sees the whole content or nothing.
 *
 * <p>A staged upload written through its {@link StagedUpload#channel} is flushed to the disk every
 * {@value #FLUSH_EVERY} bytes by another thread while it is being written (see {@link
 * EarlyFlushChannel}), so that committing it waits for its last bytes only.
 */
public class LocalFileStore implements FileStore {

  private static final Logger LOG = Logger.getLogger(LocalFileStore.class);

  private static final String STAGED_PREFIX = "upload-";

  private static final String PARTIAL_PREFIX = "partial-";

  private static final java.util.regex.Pattern PARTIAL_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,200}");

  /** How many bytes of a staged upload are written between two background flushes. */
  static final long FLUSH_EVERY = 32L << 20;

  private final Path files;
  private final Path uploads;
  private final ExecutorService flushes = DaemonThreads.cached("kiln-store-flush");

  public LocalFileStore(ArtifactConfig config) {
    this(config.store().local().root(), config.store().local().staleUploadAge());
  }

  /**
   * A store rooted at a directory, which is created when missing; staged uploads older than {@code
   * staleUploadAge} (left by a process that died) are deleted.
   */
  public LocalFileStore(Path root, Duration staleUploadAge) {
    Path absolute = root.toAbsolutePath().normalize();
    this.files = absolute.resolve("files");
    this.uploads = absolute.resolve("uploads");
    try {
      Files.createDirectories(files);
      Files.createDirectories(uploads);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the file store in " + absolute, e);
    }
    int stale = deleteStaleUploads(Instant.now().minus(staleUploadAge));
    LOG.infof("file store in %s (%d stale uploads deleted)", absolute, stale);
  }

  private int deleteStaleUploads(Instant cutoff) {
    return deleteStale(STAGED_PREFIX, cutoff) + deleteStale(PARTIAL_PREFIX, cutoff);
  }

  private int deleteStale(String prefix, Instant cutoff) {
    int deleted = 0;
    try (DirectoryStream<Path> staged = Files.newDirectoryStream(uploads, prefix + "*")) {
      for (Path file : staged) {
        try {
          if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
            Files.deleteIfExists(file);
            deleted++;
          }
        } catch (IOException e) {
          LOG.warnf("could not delete the stale upload %s: %s", file, e.getMessage());
        }
      }
    } catch (IOException e) {
      LOG.warnf("could not list %s: %s", uploads, e.getMessage());
    }
    return deleted;
  }

  /** Stops the background flushes; an upload still being written is flushed by its commit. */
  @jakarta.annotation.PreDestroy
  void shutdown() {
    flushes.shutdown();
  }

  @Override
  public StagedUpload stage() throws IOException {
    Path temp = Files.createTempFile(uploads, STAGED_PREFIX, ".part");
    try {
      return new LocalStagedUpload(temp, FileChannel.open(temp, StandardOpenOption.WRITE));
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  @Override
  public Optional<PartialUpload> partial(String name, boolean create) throws IOException {
    if (!PARTIAL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a partial upload name: " + name);
    }
    Path file = uploads.resolve(PARTIAL_PREFIX + name);
    FileChannel channel;
    try {
      channel =
          create
              ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)
              : FileChannel.open(file, StandardOpenOption.WRITE);
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    }
    return Optional.of(new LocalPartialUpload(file, channel));
  }

  @Override
  public boolean contains(String sha256) {
    return Files.isRegularFile(blob(sha256));
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    return Files.deleteIfExists(blob(sha256));
  }

  @Override
  public InputStream open(String sha256) throws IOException {
    return Files.newInputStream(blob(sha256));
  }

  @Override
  public Optional<Path> localFile(String sha256) {
    Path blob = blob(sha256);
    return Files.isRegularFile(blob) ? Optional.of(blob) : Optional.empty();
  }

  @Override
  public void checkWritable() throws IOException {
    Files.delete(Files.createTempFile(uploads, "probe-", ".tmp"));
  }

  /** Where a content lives: {@code files/<aa>/<bb>/<sha256>}. */
  Path blob(String sha256) {
    if (!Sha256.isValid(sha256)) {
      throw new IllegalArgumentException("not a SHA-256: " + sha256);
    }
    return files.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
  }

  /** Moves a complete content into place, or drops it when the store holds it already. */
  private boolean moveIntoStore(Path temp, String sha256) throws IOException {
    Path target = blob(sha256);
    if (Files.exists(target)) {
      Files.delete(temp);
      return false;
    }
    Files.createDirectories(target.getParent());
    // Two uploads of the same content may race here: the later rename replaces an identical
    // file, and a reader that opened the earlier one keeps reading it.
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    return true;
  }

  /** A partial upload: a file in {@code uploads/} that grows request after request. */
  private final class LocalPartialUpload implements PartialUpload {

    private final Path file;
    private final FileChannel channel;
    private boolean done;

    LocalPartialUpload(Path file, FileChannel channel) {
      this.file = file;
      this.channel = channel;
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public OutputStream append() throws IOException {
      channel.position(channel.size());
      return Channels.newOutputStream(channel);
    }

    @Override
    public WritableByteChannel appendChannel() throws IOException {
      // no early flush here: a flush's write-back error must reach the commit, which may run in
      // another request with another descriptor; the commit's fsync covers every chunk
      channel.position(channel.size());
      return channel; // closed with the partial upload
    }

    @Override
    public void truncate(long size) throws IOException {
      channel.truncate(size);
    }

    @Override
    public InputStream read() throws IOException {
      return Files.newInputStream(file);
    }

    @Override
    public boolean commit(String sha256) throws IOException {
      if (done) {
        throw new IllegalStateException("this upload was committed or discarded already");
      }
      channel.force(true);
      channel.close();
      done = true;
      return moveIntoStore(file, sha256);
    }

    @Override
    public void discard() throws IOException {
      done = true;
      channel.close();
      Files.deleteIfExists(file);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private final class LocalStagedUpload implements StagedUpload {

    private final Path temp;
    private final FileChannel channel;
    private final OutputStream output;
    private EarlyFlushChannel flushing;
    private boolean done;

    LocalStagedUpload(Path temp, FileChannel channel) {
      this.temp = temp;
      this.channel = channel;
      this.output = Channels.newOutputStream(channel);
    }

    @Override
    public OutputStream output() {
      return output;
    }

    @Override
    public WritableByteChannel channel() {
      if (flushing == null) {
        flushing = new EarlyFlushChannel(channel, flushes, FLUSH_EVERY);
      }
      return flushing;
    }

    @Override
    public boolean commit(String sha256) throws IOException {
      if (done) {
        throw new IllegalStateException("this upload was committed or discarded already");
      }
      blob(sha256); // refuses what is not a SHA-256 before anything moves
      if (flushing != null) {
        flushing.finish();
      }
      channel.force(true);
      channel.close();
      done = true;
      return moveIntoStore(temp, sha256);
    }

    @Override
    public void close() {
      if (done) {
        return;
      }
      done = true;
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debugf("closing %s: %s", temp, e.getMessage());
      }
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        LOG.warnf("could not delete the discarded upload %s: %s", temp, e.getMessage());
      }
    }
  }
}

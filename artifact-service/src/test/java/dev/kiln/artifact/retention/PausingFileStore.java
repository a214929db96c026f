package dev.kiln.artifact.retention;

import dev.kiln.artifact.config.ArtifactConfig;
import dev.kiln.artifact.store.FileStore;
import dev.kiln.artifact.store.LocalFileStore;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The local store, except that a retention sweep about to delete one chosen content stops there
 * until the test lets it go: the test can then act while the sweep stands between its decision and
 * the deletion of the bytes. Enabled by {@link ContentRaceTest.Profile} only.
 */
final class PausingFileStore implements FileStore {

  private static volatile String pauseOn;
  private static volatile CountDownLatch reached = new CountDownLatch(1);
  private static volatile CountDownLatch proceed = new CountDownLatch(1);

  private final FileStore delegate;

  PausingFileStore(FileStore delegate) {
    this.delegate = delegate;
  }

  /** The next deletion that includes this content waits for {@link #release}. */
  static void pauseBeforeDeleting(String sha256) {
    reached = new CountDownLatch(1);
    proceed = new CountDownLatch(1);
    pauseOn = sha256;
  }

  /** Waits until a deletion paused; false when none did in time. */
  static boolean awaitPaused() throws InterruptedException {
    return reached.await(60, TimeUnit.SECONDS);
  }

  static void release() {
    pauseOn = null;
    proceed.countDown();
  }

  @Override
  public int deleteAll(Collection<String> sha256s) throws IOException {
    String target = pauseOn;
    if (target != null && sha256s.contains(target)) {
      reached.countDown();
      try {
        if (!proceed.await(120, TimeUnit.SECONDS)) {
          throw new IOException("the test never released the paused deletion");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    return delegate.deleteAll(sha256s);
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    return delegate.delete(sha256);
  }

  @Override
  public StagedUpload stage() throws IOException {
    return delegate.stage();
  }

  @Override
  public StagedUpload stage(String expectedSha256) throws IOException {
    return delegate.stage(expectedSha256);
  }

  @Override
  public boolean contains(String sha256) {
    return delegate.contains(sha256);
  }

  @Override
  public InputStream open(String sha256) throws IOException {
    return delegate.open(sha256);
  }

  @Override
  public InputStream open(String sha256, long offset, long length) throws IOException {
    return delegate.open(sha256, offset, length);
  }

  @Override
  public Optional<Path> localFile(String sha256) {
    return delegate.localFile(sha256);
  }

  @Override
  public Optional<PartialUpload> partial(String name, boolean create) throws IOException {
    return delegate.partial(name, create);
  }

  @Override
  public void checkWritable() throws IOException {
    delegate.checkWritable();
  }

  /** Produces the pausing store instead of the configured one, when selected. */
  @Alternative
  @Singleton
  static class Producer {
    @Produces
    @Singleton
    FileStore fileStore(ArtifactConfig config) {
      return new PausingFileStore(new LocalFileStore(config));
    }
  }
}

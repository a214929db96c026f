package dev.kiln.agent.executor;

import dev.kiln.task.model.Backend;
import java.io.IOException;

/**
 * An executor backend ({@link Backend}): makes {@link Instance}s from environment images. The image
 * cache calls {@link #prepare} once per image and {@link #cleanUp} when it evicts the image.
 */
public interface Executor {

  Backend backend();

  /** Whether it can run here (binaries present, user namespaces mapped, ...). */
  Availability availability();

  /**
   * Makes the downloaded image ready for this backend: unpack it into {@code image.dir()} (an empty
   * directory the cache owns), import it into the backend's image store, ... Called once per image,
   * under the cache's lock for that image.
   */
  void prepare(PreparedImage image) throws IOException, InterruptedException;

  /**
   * Removes what {@link #prepare} made outside {@code image.dir()} (the cache deletes the directory
   * itself), e.g. {@code incus image delete}. Must succeed when nothing is left to remove.
   */
  void cleanUp(PreparedImage image) throws IOException, InterruptedException;

  /** Creates a stopped instance from a prepared image. */
  Instance create(PreparedImage image) throws IOException, InterruptedException;
}

package dev.kiln.agent.taskio;

import dev.kiln.agent.executor.Executor;
import dev.kiln.agent.executor.Instance;
import dev.kiln.agent.executor.ProcessRunner;
import dev.kiln.agent.executor.WorkerExecutors;
import dev.kiln.agent.image.ImageCache;
import dev.kiln.task.model.Backend;
import java.io.IOException;

/**
 * Environments for worker tasks: images of environment artifacts from the worker's {@link
 * ImageCache}, and instances of them made by the executor backends. One per agent; tasks share it.
 */
public final class Environments {

  private final ImageCache cache;
  private final WorkerExecutors executors;

  public Environments(ImageCache cache, WorkerExecutors executors) {
    this.cache = cache;
    this.executors = executors;
  }

  /** The runner of host commands (same process-group kill and grace as the backends). */
  public ProcessRunner host() {
    return executors.runner();
  }

  /**
   * The image of an environment, downloaded and prepared for {@code backend} when needed, and
   * recorded as an input of the attempt. Close it when done (it is not evicted until then).
   */
  public ImageCache.CachedImage image(AttemptArtifacts artifacts, long artifactId, Backend backend)
      throws IOException, InterruptedException {
    ImageCache.CachedImage image = cache.get(artifactId, backend, artifacts.token());
    artifacts.usedInput(artifactId);
    return image;
  }

  /**
   * A started instance of an environment with its build user created; closing it destroys the
   * instance and releases the image.
   */
  public Session open(AttemptArtifacts artifacts, long artifactId, Backend backend)
      throws IOException, InterruptedException {
    Executor executor =
        executors
            .get(backend)
            .orElseThrow(() -> new IOException("no executor backend " + backend + " here"));
    if (!executor.availability().available()) {
      throw new IOException(
          "executor backend "
              + executor.backend().wire()
              + " is unavailable here: "
              + executor.availability());
    }
    ImageCache.CachedImage image = image(artifacts, artifactId, backend);
    Instance instance = null;
    try {
      instance = executor.create(image.image());
      instance.start();
      instance.createUser();
      return new Session(image, instance);
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (instance != null) {
        try {
          instance.destroy();
        } catch (IOException | RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      image.close();
      throw e;
    }
  }

  /** An instance in use and the image it was made from. */
  public static final class Session implements AutoCloseable {
    private final ImageCache.CachedImage image;
    private final Instance instance;

    Session(ImageCache.CachedImage image, Instance instance) {
      this.image = image;
      this.instance = instance;
    }

    public Instance instance() {
      return instance;
    }

    @Override
    public void close() throws IOException, InterruptedException {
      try {
        instance.destroy();
      } finally {
        image.close();
      }
    }
  }
}

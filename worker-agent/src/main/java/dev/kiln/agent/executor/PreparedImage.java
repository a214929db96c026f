package dev.kiln.agent.executor;

import dev.kiln.task.model.Backend;
import java.nio.file.Path;

/**
 * An environment image made ready for one backend, once, by {@link Executor#prepare}: an unpacked
 * tree, an imported Incus image, a qcow2 file.
 *
 * @param artifactId the environment artifact it comes from
 * @param backend the backend it was prepared for
 * @param dir the backend's directory for this image in the image cache
 * @param imageFile the downloaded file it was prepared from
 * @param architecture the image's Debian architecture (its artifact's {@code architecture})
 */
public record PreparedImage(
    long artifactId, Backend backend, Path dir, Path imageFile, String architecture) {

  /** The name of the image in a backend's own image store (e.g. the Incus alias). */
  public String storeName() {
    return "kiln-image-" + artifactId;
  }
}

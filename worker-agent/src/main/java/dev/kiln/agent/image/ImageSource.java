package dev.kiln.agent.image;

import java.io.IOException;
import java.nio.file.Path;

/** Where the image cache gets environment artifacts from (the artifact service). */
public interface ImageSource {

  /**
   * The file of an environment artifact that holds the image.
   *
   * @param path its path in the artifact
   * @param size its declared size
   * @param sha256 its declared SHA-256
   * @param architecture the image's Debian architecture
   */
  record ImageFile(String path, long size, String sha256, String architecture) {}

  /** Which file of the artifact is the image. */
  ImageFile describe(long artifactId, String token) throws IOException, InterruptedException;

  /**
   * Streams the image file into {@code target}, verifying its size and SHA-256.
   *
   * @throws IOException when it could not be had, or its content is not the declared one ({@code
   *     target} is gone then)
   */
  void download(long artifactId, ImageFile file, String token, Path target)
      throws IOException, InterruptedException;
}

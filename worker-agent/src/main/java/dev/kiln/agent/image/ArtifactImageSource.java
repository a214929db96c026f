package dev.kiln.agent.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.agent.core.ArtifactDownloader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Environment artifacts from the artifact service: a {@code debian:system-tarball} or {@code
 * debian:system-image} whose image is the file named by {@code data.filename}, or its only file.
 */
public final class ArtifactImageSource implements ImageSource {

  static final Set<String> CATEGORIES = Set.of("debian:system-tarball", "debian:system-image");

  private final ArtifactDownloader downloader;

  public ArtifactImageSource(ArtifactDownloader downloader) {
    this.downloader = downloader;
  }

  @Override
  public ImageFile describe(long artifactId, String token)
      throws IOException, InterruptedException {
    return imageFile(artifactId, downloader.describe(token, artifactId));
  }

  static ImageFile imageFile(long artifactId, JsonNode artifact) throws IOException {
    String category = artifact.path("category").asText();
    if (!CATEGORIES.contains(category)) {
      throw new IOException(
          "artifact " + artifactId + " is a " + category + ", not an environment " + CATEGORIES);
    }
    JsonNode files = artifact.path("files");
    String name = artifact.path("data").path("filename").asText("");
    if (name.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = files.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      if (names.size() != 1) {
        throw new IOException(
            "environment artifact " + artifactId + " names no data.filename among " + names);
      }
      name = names.get(0);
    }
    JsonNode file = files.path(name);
    if (file.isMissingNode()) {
      throw new IOException("environment artifact " + artifactId + " has no file " + name);
    }
    if (!file.path("complete").asBoolean(true)) {
      throw new IOException("file " + name + " of artifact " + artifactId + " is not uploaded");
    }
    String architecture = artifact.path("data").path("architecture").asText("");
    if (architecture.isEmpty()) {
      throw new IOException("environment artifact " + artifactId + " names no data.architecture");
    }
    return new ImageFile(
        name, file.path("size").asLong(), file.path("sha256").asText(), architecture);
  }

  @Override
  public void download(long artifactId, ImageFile file, String token, Path target)
      throws IOException, InterruptedException {
    downloader.download(token, artifactId, file.path(), file.size(), file.sha256(), target);
  }
}

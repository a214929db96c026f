package dev.kiln.agent.taskio;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The artifacts of one attempt: the inputs it read (downloaded, or used as an environment) and the
 * outputs it created, each output with its relations to other artifacts. The agent reports the
 * outputs in {@code output_data.artifacts} and relates the attempt's debug-logs artifact to the
 * inputs, as Debusine does. Thread-safe.
 */
public final class AttemptArtifacts {

  /**
   * A relation of a new artifact.
   *
   * @param type the relation
   * @param target the artifact it points to
   */
  public record Related(Relation type, long target) {}

  /**
   * A downloaded input.
   *
   * @param id the artifact
   * @param category its category
   * @param data its data
   * @param files its files on disk, by their path in the artifact
   */
  public record Downloaded(long id, String category, JsonNode data, Map<String, Path> files) {

    /** The first file whose name ends with {@code suffix}. */
    public Path fileEndingWith(String suffix) throws IOException {
      for (Map.Entry<String, Path> f : files.entrySet()) {
        if (f.getKey().endsWith(suffix)) {
          return f.getValue();
        }
      }
      throw new IOException("artifact " + id + " (" + category + ") has no *" + suffix + " file");
    }
  }

  private final ArtifactStore store;
  private final Set<Long> inputs = new LinkedHashSet<>();
  private final List<Long> outputs = new ArrayList<>();

  public AttemptArtifacts(ArtifactStore store) {
    this.store = store;
  }

  /** The attempt's artifact token. */
  public String token() {
    return store.token();
  }

  /** Records an input the task used without downloading it here (e.g. an environment). */
  public synchronized void usedInput(long artifactId) {
    inputs.add(artifactId);
  }

  /**
   * Downloads every file of an input artifact into {@code dir} (created if needed), each checked
   * against its declared size and SHA-256, and records the input.
   */
  public Downloaded download(long artifactId, Path dir) throws IOException, InterruptedException {
    JsonNode artifact = store.describe(artifactId);
    Files.createDirectories(dir);
    Map<String, Path> files = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = artifact.path("files").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      Path target = dir.resolve(f.getKey()).normalize();
      if (!target.startsWith(dir.normalize())) {
        throw new IOException("artifact " + artifactId + " has a file outside it: " + f.getKey());
      }
      Files.createDirectories(target.getParent());
      store.download(
          artifactId,
          f.getKey(),
          f.getValue().path("size").asLong(),
          f.getValue().path("sha256").asText(),
          target);
      files.put(f.getKey(), target);
    }
    usedInput(artifactId);
    return new Downloaded(
        artifactId, artifact.path("category").asText(), artifact.path("data"), files);
  }

  /**
   * Creates an output artifact and its relations.
   *
   * @return its id
   */
  public long upload(
      String category, JsonNode data, Map<String, Path> files, List<Related> relations)
      throws IOException, InterruptedException {
    long id = store.create(category, data, files);
    synchronized (this) {
      outputs.add(id);
    }
    for (Related r : relations) {
      store.relate(id, r.target(), r.type());
    }
    return id;
  }

  /** Relates an artifact (the debug logs) to every input. */
  public void relateToInputs(long artifactId, Relation type)
      throws IOException, InterruptedException {
    for (long input : inputs()) {
      store.relate(artifactId, input, type);
    }
  }

  public synchronized List<Long> inputs() {
    return List.copyOf(inputs);
  }

  public synchronized List<Long> outputs() {
    return List.copyOf(outputs);
  }
}

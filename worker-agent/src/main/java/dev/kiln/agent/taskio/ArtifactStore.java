package dev.kiln.agent.taskio;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The artifact service as one attempt sees it: its token, workspace and work request are bound in.
 * The agent implements it over the REST API; tests use a fake.
 */
public interface ArtifactStore {

  /** The attempt's artifact token (the image cache downloads environments with it). */
  String token();

  /** The artifact as the service shows it: {@code category}, {@code data}, {@code files}, ... */
  JsonNode describe(long artifactId) throws IOException, InterruptedException;

  /** Streams one file of an artifact to {@code target}, checking its size and SHA-256. */
  void download(long artifactId, String path, long size, String sha256, Path target)
      throws IOException, InterruptedException;

  /**
   * Creates an artifact of the attempt's work request with these files (streamed) and data.
   *
   * @return its id
   */
  long create(String category, JsonNode data, Map<String, Path> files)
      throws IOException, InterruptedException;

  /** Records that {@code artifactId} {@code type}s {@code targetId}. */
  void relate(long artifactId, long targetId, Relation type)
      throws IOException, InterruptedException;
}

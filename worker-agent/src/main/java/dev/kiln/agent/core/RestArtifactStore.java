package dev.kiln.agent.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.agent.taskio.ArtifactStore;
import dev.kiln.agent.taskio.Relation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The artifact service's REST API for one attempt: its token, workspace and work request. */
final class RestArtifactStore implements ArtifactStore {

  private final ArtifactUploader uploader;
  private final ArtifactDownloader downloader;
  private final String token;
  private final String workspace;
  private final long workRequestId;

  RestArtifactStore(
      ArtifactUploader uploader,
      ArtifactDownloader downloader,
      String token,
      String workspace,
      long workRequestId) {
    this.uploader = uploader;
    this.downloader = downloader;
    this.token = token;
    this.workspace = workspace;
    this.workRequestId = workRequestId;
  }

  @Override
  public String token() {
    return token;
  }

  @Override
  public JsonNode describe(long artifactId) throws IOException, InterruptedException {
    return downloader.describe(token, artifactId);
  }

  @Override
  public void download(long artifactId, String path, long size, String sha256, Path target)
      throws IOException, InterruptedException {
    downloader.download(token, artifactId, path, size, sha256, target);
  }

  @Override
  public long create(String category, JsonNode data, Map<String, Path> files)
      throws IOException, InterruptedException {
    return uploader.upload(token, category, workspace, workRequestId, data, files);
  }

  @Override
  public void relate(long artifactId, long targetId, Relation type)
      throws IOException, InterruptedException {
    uploader.relate(token, artifactId, targetId, type.wire());
  }
}

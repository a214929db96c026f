package dev.kiln.artifact.service;

import dev.kiln.artifact.config.ArtifactConfig;
import dev.kiln.artifact.domain.HashingPipeline;
import dev.kiln.artifact.store.DaemonThreads;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;

/**
 * The {@link HashingPipeline} of uploads: the request thread hashes, a writer thread of its own per
 * upload writes, so SHA-256 and the disk overlap. Writer threads are created as uploads need them
 * (an upload is already bounded by the request worker pool) and end after a minute unused.
 */
@Singleton
public class UploadPipeline {

  private final ExecutorService writers = DaemonThreads.cached("kiln-upload-writer");

  @Produces
  @Singleton
  HashingPipeline pipeline(ArtifactConfig config) {
    return new HashingPipeline(
        writers, (int) config.uploadWriteBatch().asLongValue(), config.uploadWriteBatches());
  }

  @PreDestroy
  void shutdown() {
    writers.shutdown();
  }
}

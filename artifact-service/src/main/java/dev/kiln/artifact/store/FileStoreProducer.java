package dev.kiln.artifact.store;

import dev.kiln.artifact.config.ArtifactConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** The file store that {@code kiln.artifacts.store.kind} names: one per process. */
@Singleton
public class FileStoreProducer {

  private static final Logger LOG = Logger.getLogger(FileStoreProducer.class);

  @Produces
  @Singleton
  FileStore fileStore(ArtifactConfig config) {
    return switch (config.store().kind()) {
      case LOCAL -> new LocalFileStore(config);
      case S3 -> new S3FileStore(config.store().s3());
    };
  }

  void close(@Disposes FileStore store) {
    if (store instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warnf("closing the file store: %s", e.getMessage());
      }
    }
  }
}

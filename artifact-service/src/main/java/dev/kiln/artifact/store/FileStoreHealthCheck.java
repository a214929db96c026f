package dev.kiln.artifact.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the file store accepts uploads. */
@Readiness
@ApplicationScoped
public class FileStoreHealthCheck implements HealthCheck {

  @Inject FileStore store;

  @Override
  public HealthCheckResponse call() {
    try {
      store.checkWritable();
      return HealthCheckResponse.up("file-store");
    } catch (IOException | RuntimeException e) {
      return HealthCheckResponse.named("file-store")
          .down()
          .withData("error", String.valueOf(e.getMessage()))
          .build();
    }
  }
}

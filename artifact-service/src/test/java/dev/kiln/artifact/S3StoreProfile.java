package dev.kiln.artifact;

import dev.kiln.infra.LocalS3TestResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Runs a test class against the S3 file store: a real S3 API ({@link LocalS3TestResource}, s3proxy
 * over a directory) instead of the local directory. The same test classes run with both stores: an
 * S3 variant extends the local one and adds only this profile. Parts of S3's least size (5 MiB), so
 * that files of a few MiB take the multipart paths.
 */
public class S3StoreProfile implements QuarkusTestProfile {

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("kiln.artifacts.store.s3.part-size", "5M");
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(LocalS3TestResource.class));
  }
}

package dev.kiln.artifact;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ArtifactResourceTest} against the S3 file store. */
@QuarkusTest
@TestProfile(S3StoreProfile.class)
class S3ArtifactResourceTest extends ArtifactResourceTest {}

package dev.kiln.artifact.retention;

import dev.kiln.artifact.S3StoreProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link RetentionTest} against the S3 file store: unreferenced contents leave the bucket. */
@QuarkusTest
@TestProfile(S3StoreProfile.class)
class S3RetentionTest extends RetentionTest {}
